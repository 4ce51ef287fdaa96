package dev.baton.app.agent.mcp;

import dev.baton.app.agent.AgentBackend;
import java.util.List;

/**
 * The MCP tools Baton serves, in the order clients list them. A new tool is one class implementing
 * {@link McpTool} plus one line here; the server, identity, progress and error mapping are shared.
 */
public final class AgentTools {
  private AgentTools() {}

  public static List<McpTool> all(AgentBackend backend) {
    return List.of(
        new BatonStatusTool(backend),
        new TaskListTool(backend.tasks()),
        new TaskGetTool(backend.tasks()),
        new TaskCreateTool(backend.client()),
        new TaskClaimTool(backend.client()),
        new TaskUpdateTool(backend.client()),
        new TaskTransitionTool(backend.client()),
        new LockAcquireTool(backend.client(), backend.locks()),
        new LockRenewTool(backend.client()),
        new LockReleaseTool(backend.client(), backend.locks()),
        new DecisionRecordTool(backend.client()),
        new DecisionListTool(backend.decisions()),
        new EventsWaitTool(backend.feed()));
  }
}
