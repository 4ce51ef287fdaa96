package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.util.Set;

/** {@code task_list}: tasks of the workspace in id order, filtered, 20 by default. */
final class TaskListTool implements McpTool {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  private final TaskQueries tasks;

  TaskListTool(TaskQueries tasks) {
    this.tasks = tasks;
  }

  @Override
  public String name() {
    return "task_list";
  }

  @Override
  public String description() {
    return "List tasks (id order). Filter by status and assignee (\"me\" = you). Page with after.";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{"
        + "\"status\":{\"type\":\"string\",\"enum\":"
        + Schemas.enumOf(TaskStatus.values())
        + "},\"assignee\":{\"type\":\"string\"},"
        + "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":"
        + MAX_LIMIT
        + "},\"after\":{\"type\":\"string\",\"description\":\"next from the previous page\"}},"
        + "\"additionalProperties\":false}";
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public JsonNode call(ToolCall call) {
    ToolArgs args = call.args().only(Set.of("status", "assignee", "limit", "after"));
    String assignee = args.optString("assignee");
    if ("me".equals(assignee)) {
      assignee = call.agent();
    } else if (assignee != null) {
      assignee = args.optId("assignee");
    }
    Long limit = args.optLong("limit", 1, MAX_LIMIT);
    TaskQueries.Page page =
        tasks.list(
            new TaskQueries.Filter(
                call.workspace(), args.optEnum("status", TaskStatus.class), assignee),
            args.optId("after"),
            limit == null ? DEFAULT_LIMIT : limit.intValue());
    ObjectNode out = ToolJson.object();
    ArrayNode list = out.putArray("tasks");
    for (Task task : page.tasks()) {
      list.add(Compact.taskSummary(ToolJson.tree(task)));
    }
    if (page.next() != null) {
      out.put("next", page.next());
    }
    return out;
  }
}
