package dev.baton.app.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
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
      "List the tasks of --workspace in id order, one page at a time.",
      "When more follow, the last line names the --after value of the next page."
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
      description = "Page size, 1 to 1000 (default: the server's, 100).")
  Integer limit;

  @Option(names = "--after", paramLabel = "ID", description = "Start after this task id.")
  String after;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    StringJoiner query = new StringJoiner("&", "?", "");
    query.add("workspace=" + encode(client.workspace()));
    if (status != null) {
      query.add("status=" + status.name());
    }
    if (assignee != null) {
      query.add("assignee=" + encode(client.checkedId("--assignee", assignee)));
    }
    if (limit != null) {
      query.add("limit=" + limit);
    }
    if (after != null) {
      query.add("after=" + encode(client.checkedId("--after", after)));
    }
    return http.get("/v1/tasks" + query);
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
