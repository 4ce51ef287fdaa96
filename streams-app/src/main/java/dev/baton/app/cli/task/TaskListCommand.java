package dev.baton.app.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.TaskStatus;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baton task list [--status S] [--assignee A] [--limit N] [--after ID]}. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the tasks of --workspace in id order, up to --limit of them (pages are fetched"
          + " as needed).",
      "When more follow, the last line names the --after value to go on from."
    })
final class TaskListCommand extends TaskVerb {
  @Option(
      names = "--status",
      paramLabel = "STATUS",
      converter = StatusConverter.class,
      description = "Only tasks in this status.")
  TaskStatus status;

  @Option(names = "--assignee", paramLabel = "AGENT", description = "Only tasks of this agent.")
  String assignee;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description =
          "List at most N tasks (default 100), fetched in pages of up to " + PAGE + " as needed.")
  Integer limit;

  @Option(names = "--after", paramLabel = "ID", description = "Start after this task id.")
  String after;

  /** Tasks asked for per request while paging. */
  static final int PAGE = 500;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    int wanted = limit == null ? 100 : limit;
    if (wanted < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--limit must be at least 1, not " + wanted);
    }
    String cursor = after == null ? null : client.checkedId("--after", after);
    ArrayNode tasks = Json.mapper().createArrayNode();
    while (true) {
      ApiResponse page =
          http.get("/v1/tasks" + query(Math.min(PAGE, wanted - tasks.size()), cursor));
      if (page.status() != 200) {
        return page;
      }
      page.body().path("tasks").forEach(tasks::add);
      JsonNode next = page.body().get("next");
      cursor = next == null || next.isNull() ? null : next.asText();
      if (cursor == null || tasks.size() >= wanted) {
        ObjectNode merged = Json.mapper().createObjectNode();
        merged.set("tasks", tasks);
        merged.put("next", cursor);
        return new ApiResponse(200, merged);
      }
    }
  }

  private String query(int pageSize, String cursor) {
    StringJoiner query = new StringJoiner("&", "?", "");
    query.add("workspace=" + encode(client.workspace()));
    if (status != null) {
      query.add("status=" + status.name());
    }
    if (assignee != null) {
      query.add("assignee=" + encode(client.checkedId("--assignee", assignee)));
    }
    query.add("limit=" + pageSize);
    if (cursor != null) {
      query.add("after=" + encode(cursor));
    }
    return query.toString();
  }

  @Override
  protected void printSuccess(JsonNode body, PrintWriter out) {
    if (client.json()) {
      out.println(json(body));
      return;
    }
    JsonNode tasks = body.path("tasks");
    if (tasks.isEmpty()) {
      out.println("no tasks");
    }
    tasks.forEach(task -> out.println(TaskFormat.row(task)));
    JsonNode next = body.get("next");
    if (next != null && !next.isNull()) {
      out.println("more: --after " + next.asText());
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
