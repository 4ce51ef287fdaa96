package dev.baton.app.agent;

import dev.baton.app.agent.hooks.HookResource;
import dev.baton.app.agent.mcp.AgentTools;
import dev.baton.app.agent.mcp.BatonMcpServer;
import io.javalin.config.JavalinConfig;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * What agents plug into on the API port: the MCP server at {@code /mcp} (the SDK's streamable HTTP
 * servlet, mounted beside Javalin's in the same Jetty) and the hook routes {@code
 * /v1/hooks/{claude,codex,opencode}}.
 */
public final class AgentSurface implements AutoCloseable {
  private static final int ANSWER_THREADS = 2;

  private final BatonMcpServer mcp;
  private final HookResource hooks;
  private final ExecutorService answers;

  private AgentSurface(BatonMcpServer mcp, HookResource hooks, ExecutorService answers) {
    this.mcp = mcp;
    this.hooks = hooks;
    this.answers = answers;
  }

  /**
   * @param answerAllow answer Claude Code's {@code PreToolUse} with {@code permissionDecision:
   *     "allow"} when the lock is granted, instead of no decision (which leaves the user's own
   *     permission rules in charge)
   */
  public static AgentSurface create(AgentBackend backend, boolean answerAllow, String version) {
    AtomicInteger count = new AtomicInteger();
    ExecutorService answers =
        Executors.newFixedThreadPool(
            ANSWER_THREADS,
            r -> {
              Thread t = new Thread(r, "baton-hook-answer-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return new AgentSurface(
        BatonMcpServer.create(backend, AgentTools.all(backend), version),
        new HookResource(backend, answerAllow, answers),
        answers);
  }

  /** Adds the MCP servlet and the hook routes to the API's Javalin configuration. */
  public void mount(JavalinConfig cfg) {
    cfg.jetty.modifyServletContextHandler(
        handler -> {
          ServletHolder holder = new ServletHolder("baton-mcp", mcp.servlet());
          holder.setAsyncSupported(true);
          handler.addServlet(holder, BatonMcpServer.PATH);
        });
    cfg.routes.post("/v1/hooks/claude", hooks::claude);
    cfg.routes.post("/v1/hooks/codex", hooks::codex);
    cfg.routes.post("/v1/hooks/opencode", hooks::opencode);
  }

  @Override
  public void close() {
    mcp.close();
    answers.shutdownNow();
  }
}
