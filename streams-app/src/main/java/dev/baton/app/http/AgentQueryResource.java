package dev.baton.app.http;

import dev.baton.app.state.AgentQueries;
import io.javalin.http.Context;

/**
 * {@code GET /v1/agents/{workspace}/{agent}}: the locks the agent holds (token, lease deadline),
 * the lock requests it waits with (queue position) and the tasks assigned to it, for a session
 * start. Read from this node's {@code locks} and {@code tasks} stores ({@link AgentQueries}); like
 * the task listing it covers the partitions this node hosts.
 */
final class AgentQueryResource {
  private final AgentQueries queries;

  AgentQueryResource(AgentQueries queries) {
    this.queries = queries;
  }

  void get(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String agent = Requests.pathId(ctx, "agent");
    ctx.json(queries.agent(workspace, agent));
  }
}
