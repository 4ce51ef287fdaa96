package dev.baton.app.sink.projection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.AggregateKeys;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Every column of the projection's tables, derived from a row's data in one place: {@link
 * ProjectionWriter} writes these values and {@code baton verify} expects them, so a column the
 * writer fills is a column verify checks.
 */
public final class ProjectionColumns {
  /** One column's name, SQL type ({@link Types}) and value (String, Integer, Long or null). */
  public record Column(String name, int sqlType, Object value) {}

  /** Column names of each table, in the order {@link #of} returns them. */
  public static final List<String> TASK =
      List.of(
          "workspace",
          "id",
          "task_key",
          "title",
          "description",
          "status",
          "assignee",
          "priority",
          "labels",
          "depends_on",
          "fields",
          "version",
          "created_by",
          "created_at",
          "updated_by",
          "updated_at",
          "event_partition",
          "event_offset",
          "data");

  public static final List<String> LOCK =
      List.of(
          "lock_key",
          "workspace",
          "resource",
          "mode",
          "holders",
          "holder_count",
          "queue_length",
          "last_token",
          "version",
          "updated_at",
          "event_partition",
          "event_offset",
          "data");

  public static final List<String> DECISION =
      List.of(
          "workspace",
          "number",
          "title",
          "context",
          "decision",
          "alternatives",
          "consequences",
          "supersedes",
          "task_id",
          "agent",
          "command_id",
          "recorded_at",
          "event_partition",
          "event_offset",
          "data");

  private ProjectionColumns() {}

  /** The column names of {@code kind}'s table. */
  public static List<String> names(RowKind kind) {
    return switch (kind) {
      case TASK -> TASK;
      case LOCK -> LOCK;
      case DECISION -> DECISION;
    };
  }

  /** The columns forming the primary key of {@code kind}'s table. */
  public static List<String> key(RowKind kind) {
    return switch (kind) {
      case TASK -> List.of("workspace", "id");
      case LOCK -> List.of("lock_key");
      case DECISION -> List.of("workspace", "number");
    };
  }

  /** Every column of {@code row}, in {@link #names} order. */
  public static List<Column> of(ProjectionRow row) {
    JsonNode d = row.data();
    List<Column> c = new ArrayList<>(TASK.size());
    switch (row.kind()) {
      case TASK -> {
        text(c, "workspace", workspaceOf(d, row.key()));
        text(c, "id", d.path("id").asText());
        text(c, "task_key", row.key());
        text(c, "title", text(d, "title"));
        text(c, "description", text(d, "description"));
        text(c, "status", text(d, "status"));
        text(c, "assignee", text(d, "assignee"));
        c.add(
            new Column(
                "priority",
                Types.INTEGER,
                d.path("priority").canConvertToInt() ? d.get("priority").asInt() : null));
        text(c, "labels", json(d, "labels"));
        text(c, "depends_on", json(d, "dependsOn"));
        text(c, "fields", json(d, "fields"));
        bigint(c, "version", row.version());
        text(c, "created_by", text(d, "createdBy"));
        text(c, "created_at", Timestamps.format(d.get("createdAt")));
        text(c, "updated_by", text(d, "updatedBy"));
        text(c, "updated_at", Timestamps.format(d.get("updatedAt")));
      }
      case LOCK -> {
        JsonNode holders = d.path("holders");
        StringJoiner agents = new StringJoiner(",");
        String mode = null;
        for (JsonNode h : holders) {
          agents.add(h.path("agent").asText());
          mode = mode == null ? text(h, "mode") : mode;
        }
        text(c, "lock_key", row.key());
        text(c, "workspace", workspaceOf(d, row.key()));
        text(c, "resource", d.path("resource").asText());
        text(c, "mode", mode);
        text(c, "holders", agents.length() == 0 ? null : agents.toString());
        c.add(new Column("holder_count", Types.INTEGER, holders.size()));
        c.add(new Column("queue_length", Types.INTEGER, d.path("queue").size()));
        bigint(c, "last_token", d.path("lastToken").asLong());
        bigint(c, "version", row.version());
        text(c, "updated_at", Timestamps.format(d.get("updatedAt")));
      }
      case DECISION -> {
        text(c, "workspace", d.path("workspace").asText());
        bigint(c, "number", row.version());
        text(c, "title", text(d, "title"));
        text(c, "context", text(d, "context"));
        text(c, "decision", text(d, "decision"));
        text(c, "alternatives", text(d, "alternatives"));
        text(c, "consequences", text(d, "consequences"));
        c.add(
            new Column(
                "supersedes",
                Types.INTEGER,
                d.path("supersedes").canConvertToInt() ? d.get("supersedes").asInt() : null));
        text(c, "task_id", text(d, "taskId"));
        text(c, "agent", text(d, "agent"));
        text(c, "command_id", text(d, "commandId"));
        text(c, "recorded_at", Timestamps.format(d.get("at")));
      }
    }
    c.add(new Column("event_partition", Types.INTEGER, row.partition()));
    bigint(c, "event_offset", row.offset());
    text(c, "data", d.toString());
    return c;
  }

  /** The {@code task_labels} rows of a task row: its textual labels, in order, once each. */
  public static Set<String> labels(ProjectionRow row) {
    Set<String> labels = new LinkedHashSet<>();
    JsonNode array = row.data().path("labels");
    if (array.isArray()) {
      for (JsonNode label : array) {
        if (label.isTextual()) {
          labels.add(label.asText());
        }
      }
    }
    return labels;
  }

  /** The workspace of a row: its data's, else its key's. */
  public static String workspaceOf(ProjectionRow row) {
    return workspaceOf(row.data(), row.key());
  }

  private static String workspaceOf(JsonNode d, String key) {
    JsonNode ws = d.get("workspace");
    return ws != null && ws.isTextual() ? ws.asText() : AggregateKeys.workspaceOf(key);
  }

  private static void text(List<Column> c, String name, String value) {
    c.add(new Column(name, Types.VARCHAR, value));
  }

  private static void bigint(List<Column> c, String name, long value) {
    c.add(new Column(name, Types.BIGINT, value));
  }

  private static String text(JsonNode d, String field) {
    JsonNode v = d.get(field);
    return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
  }

  private static String json(JsonNode d, String field) {
    JsonNode v = d.get(field);
    return v == null || v.isNull() ? null : v.toString();
  }
}
