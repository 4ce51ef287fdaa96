package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.protocol.AggregateKeys;
import java.util.Set;

/** {@code task_get}: one task. */
final class TaskGetTool implements McpTool {
  private final TaskQueries tasks;

  TaskGetTool(TaskQueries tasks) {
    this.tasks = tasks;
  }

  @Override
  public String name() {
    return "task_get";
  }

  @Override
  public String description() {
    return "Get one task by id.";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},"
        + "\"required\":[\"id\"],\"additionalProperties\":false}";
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public JsonNode call(ToolCall call) {
    String id = call.args().only(Set.of("id")).id("id");
    return Compact.task(ToolJson.tree(find(tasks, call.workspace(), id)));
  }

  /** The task, or a {@link ToolFailure}: {@code NOT_FOUND}, or {@code UNAVAILABLE} elsewhere. */
  static dev.baton.sdk.protocol.Task find(TaskQueries tasks, String workspace, String id) {
    TaskQueries.Lookup lookup = tasks.get(workspace, id);
    if (lookup instanceof TaskQueries.Found found) {
      return found.task();
    }
    String key = AggregateKeys.task(workspace, id);
    if (lookup instanceof TaskQueries.Remote remote) {
      throw new ToolFailure(
          "UNAVAILABLE",
          "task " + key + " is served by " + remote.owner() + "; ask that node",
          null);
    }
    throw new ToolFailure("NOT_FOUND", "task " + key + " does not exist", null);
  }
}
