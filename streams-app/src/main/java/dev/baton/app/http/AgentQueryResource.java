package dev.baton.app.http;

import dev.baton.app.agent.AgentLookup;
import dev.baton.app.state.AgentQueries;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code GET /v1/agents/{workspace}/{agent}}: the locks the agent holds (token, lease deadline),
 * the lock requests it waits with (queue position) and the tasks assigned to it, for a session
 * start. Each node reads its own partitions of the {@code locks} and {@code tasks} stores ({@link
 * AgentQueries}); like the task listing, the answer is gathered from every node through the {@link
 * ReadRouter} and merged ({@link AgentQueries#merge}), so any node gives the whole answer or 503.
 * The hooks read the same gathered answer ({@link AgentLookup}).
 */
final class AgentQueryResource implements AgentLookup {
  private final AgentQueries queries;
  private final ReadRouter router;

  AgentQueryResource(AgentQueries queries, ReadRouter router) {
    this.queries = queries;
    this.router = router;
  }

  void get(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String agent = Requests.pathId(ctx, "agent");
    if (router.isForwarded(ctx)) {
      AgentQueries.Local local = queries.agent(workspace, agent);
      router.markPartitions(ctx, local.partitions());
      ctx.json(local.view());
      return;
    }
    ctx.json(find(ctx, workspace, agent));
  }

  @Override
  public AgentQueries.AgentView find(Context ctx, String workspace, String agent) {
    AgentQueries.Local local = queries.agent(workspace, agent);
    List<AgentQueries.AgentView> views =
        router
            .gather(
                ctx,
                path(workspace, agent),
                AgentQueries.AgentView.class,
                local.view(),
                local.partitions())
            .stream()
            .map(ReadRouter.Shard::answer)
            .toList();
    return AgentQueries.merge(views);
  }

  /** This route's path for {@code workspace} and {@code agent}, asked of the other nodes. */
  private static String path(String workspace, String agent) {
    return "/v1/agents/" + segment(workspace) + "/" + segment(agent);
  }

  private static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
