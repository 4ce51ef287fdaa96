package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewTask;
import java.util.Set;

/** {@code task_create}: a new task, OPEN at version 1. */
final class TaskCreateTool implements McpTool {
  private final BatonClient client;

  TaskCreateTool(BatonClient client) {
    this.client = client;
  }

  @Override
  public String name() {
    return "task_create";
  }

  @Override
  public String description() {
    return "Create a task (OPEN). Give an id to make retries safe.";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"},"
        + "\"id\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"},"
        + "\"priority\":{\"type\":\"integer\"},"
        + "\"labels\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
        + "\"dependsOn\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
        + "\"fields\":{\"type\":\"object\"}},"
        + "\"required\":[\"title\"],\"additionalProperties\":false}";
  }

  @Override
  public JsonNode call(ToolCall call) {
    ToolArgs args =
        call.args()
            .only(
                Set.of("title", "id", "description", "priority", "labels", "dependsOn", "fields"));
    Long priority = args.optLong("priority", Integer.MIN_VALUE, Integer.MAX_VALUE);
    NewTask task =
        new NewTask(
            args.optId("id"),
            args.string("title"),
            args.optString("description"),
            priority == null ? null : priority.intValue(),
            args.optStrings("labels"),
            args.optStrings("dependsOn"),
            args.optObject("fields"));
    return Outcomes.taskResult(
        Outcomes.await(client.as(call.agent(), call.workspace()).tasks().create(task)));
  }
}
