package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.BatonClient;
import java.util.Set;

/** {@code task_claim}: assigns the caller atomically, only if unassigned or already theirs. */
final class TaskClaimTool implements McpTool {
  private final BatonClient client;

  TaskClaimTool(BatonClient client) {
    this.client = client;
  }

  @Override
  public String name() {
    return "task_claim";
  }

  @Override
  public String description() {
    return "Claim a task for yourself (atomic: ALREADY_CLAIMED if someone else has it).";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
        + TaskGuards.SCHEMA
        + "},\"required\":[\"id\"],\"additionalProperties\":false}";
  }

  @Override
  public JsonNode call(ToolCall call) {
    ToolArgs args = call.args().only(Set.of("id", "expectedVersion", "fence", "release"));
    String id = args.id("id");
    return Outcomes.taskResult(
        Outcomes.await(
            client
                .as(call.agent(), call.workspace())
                .tasks()
                .claim(id, TaskGuards.options(args, id))));
  }
}
