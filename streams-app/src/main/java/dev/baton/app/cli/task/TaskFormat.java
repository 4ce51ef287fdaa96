package dev.baton.app.cli.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Json;
import java.util.ArrayList;
import java.util.List;

/** Human-readable renderings of a task (as JSON from the API). */
final class TaskFormat {
  private TaskFormat() {}

  /** {@code task t-1 v1 OPEN "Fix login"}. */
  static String headline(JsonNode task) {
    return "task "
        + task.path("id").asText("?")
        + " v"
        + task.path("version").asText("?")
        + " "
        + task.path("status").asText("?")
        + " "
        + quoted(task.path("title").asText(""));
  }

  /** The headline, then one indented line per field that is set. */
  static String detail(JsonNode task) {
    List<String> lines = new ArrayList<>();
    lines.add(headline(task));
    add(lines, "workspace", text(task, "workspace"));
    add(lines, "assignee", text(task, "assignee"));
    add(lines, "priority", text(task, "priority"));
    add(lines, "labels", list(task.get("labels")));
    add(lines, "depends on", list(task.get("dependsOn")));
    add(lines, "description", text(task, "description"));
    JsonNode fields = task.get("fields");
    add(lines, "fields", fields == null || fields.isEmpty() ? null : fields.toString());
    add(lines, "created", when(task, "createdAt", "createdBy"));
    add(lines, "updated", when(task, "updatedAt", "updatedBy"));
    return String.join(System.lineSeparator(), lines);
  }

  /** One line for listings: {@code t-1 v1 OPEN "Fix login" @agent-7}. */
  static String row(JsonNode task) {
    String assignee = text(task, "assignee");
    return String.format(
        "%-16s v%-4s %-11s %s%s",
        task.path("id").asText("?"),
        task.path("version").asText("?"),
        task.path("status").asText("?"),
        quoted(task.path("title").asText("")),
        assignee == null ? "" : "  @" + assignee);
  }

  private static void add(List<String> lines, String label, String value) {
    if (value != null) {
      lines.add(String.format("  %-12s %s", label + ":", value));
    }
  }

  private static String text(JsonNode task, String field) {
    JsonNode value = task.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String list(JsonNode values) {
    if (values == null || !values.isArray() || values.isEmpty()) {
      return null;
    }
    List<String> items = new ArrayList<>();
    values.forEach(v -> items.add(v.asText()));
    return String.join(", ", items);
  }

  private static String when(JsonNode task, String at, String by) {
    String time = text(task, at);
    String who = text(task, by);
    if (time == null && who == null) {
      return null;
    }
    return (time == null ? "" : time) + (who == null ? "" : " by " + who);
  }

  /** The text as a JSON string literal: quoted, with newlines and control characters escaped. */
  private static String quoted(String text) {
    try {
      return Json.mapper().writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot quote a string", e);
    }
  }
}
