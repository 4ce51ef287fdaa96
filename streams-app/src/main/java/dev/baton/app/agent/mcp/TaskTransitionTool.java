package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.protocol.TaskStatus;
import java.util.Set;

/** {@code task_transition}: moves a task along the state machine. */
final class TaskTransitionTool implements McpTool {
  private final BatonClient client;

  TaskTransitionTool(BatonClient client) {
    this.client = client;
  }

  @Override
  public String name() {
    return "task_transition";
  }

  @Override
  public String description() {
    return "Move a task to another status (INVALID_TRANSITION if the state machine forbids it).";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
        + "\"to\":{\"type\":\"string\",\"enum\":"
        + Schemas.enumOf(TaskStatus.values())
        + "},"
        + TaskGuards.SCHEMA
        + "},\"required\":[\"id\",\"to\"],\"additionalProperties\":false}";
  }

  @Override
  public JsonNode call(ToolCall call) {
    ToolArgs args = call.args().only(Set.of("id", "to", "expectedVersion", "fence", "release"));
    String id = args.id("id");
    TaskStatus to = args.optEnum("to", TaskStatus.class);
    if (to == null) {
      throw ToolFailure.invalid("task_transition: argument 'to' is required");
    }
    return Outcomes.taskResult(
        Outcomes.await(
            client
                .as(call.agent(), call.workspace())
                .tasks()
                .transition(id, to, TaskGuards.options(args, id))));
  }
}
