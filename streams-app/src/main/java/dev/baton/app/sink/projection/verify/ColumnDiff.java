package dev.baton.app.sink.projection.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.io.ResponseJson;
import dev.baton.app.sink.projection.ProjectionColumns;
import dev.baton.app.sink.projection.ProjectionReader;
import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.ProjectionState;
import dev.baton.app.sink.projection.RowKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares every column of every table of a projection, and its {@code task_labels} rows, with what
 * the writer derives from the expected rows ({@link ProjectionColumns}). Each difference names the
 * table, the row's key and the column. Rows missing or extra as a whole are reported once, as such;
 * {@code data} is compared as JSON (number types and key order do not matter).
 */
public final class ColumnDiff {
  private ColumnDiff() {}

  /** The differences of the projection {@code reader} reads from {@code expected}. */
  public static List<String> compare(String name, ProjectionState expected, ProjectionReader reader)
      throws Exception {
    List<String> diffs = new ArrayList<>();
    for (RowKind kind : RowKind.values()) {
      Map<String, Map<String, Object>> want = new HashMap<>();
      for (ProjectionRow row : expected.values()) {
        if (row.kind() == kind) {
          Map<String, Object> columns = new HashMap<>();
          ProjectionColumns.of(row).forEach(c -> columns.put(c.name(), normalise(c.value())));
          want.put(keyOf(kind, columns), columns);
        }
      }
      Set<String> seen = new TreeSet<>();
      reader.forEachColumns(
          kind,
          got -> {
            String key = keyOf(kind, got);
            seen.add(key);
            Map<String, Object> w = want.get(key);
            if (w == null) {
              diffs.add(name + ": " + kind.table() + " " + key + " is not in the log");
              return;
            }
            for (String column : ProjectionColumns.names(kind)) {
              Object expectedValue = w.get(column);
              Object actual = normalise(got.get(column));
              if (!same(column, expectedValue, actual)) {
                diffs.add(
                    name
                        + ": "
                        + kind.table()
                        + " "
                        + key
                        + " column "
                        + column
                        + " is "
                        + show(actual)
                        + ", the log says "
                        + show(expectedValue));
              }
            }
          });
      for (String key : new TreeSet<>(want.keySet())) {
        if (!seen.contains(key)) {
          diffs.add(name + ": " + kind.table() + " " + key + " is missing");
        }
      }
    }
    labels(name, expected, reader, diffs);
    return diffs;
  }

  private static void labels(
      String name, ProjectionState expected, ProjectionReader reader, List<String> diffs)
      throws Exception {
    Set<String> want = new TreeSet<>();
    for (ProjectionRow row : expected.values()) {
      if (row.kind() == RowKind.TASK) {
        String ws = ProjectionColumns.workspaceOf(row);
        String id = row.data().path("id").asText();
        ProjectionColumns.labels(row).forEach(l -> want.add(labelKey(ws, id, l)));
      }
    }
    Set<String> got = new TreeSet<>();
    reader.forEachLabel((ws, id, label) -> got.add(labelKey(ws, id, label)));
    for (String row : want) {
      if (!got.contains(row)) {
        diffs.add(name + ": task_labels row " + row + " is missing");
      }
    }
    for (String row : got) {
      if (!want.contains(row)) {
        diffs.add(name + ": task_labels row " + row + " is not in the log");
      }
    }
  }

  private static String labelKey(String ws, String id, String label) {
    return "(workspace=" + show(ws) + ", task_id=" + show(id) + ", label=" + show(label) + ")";
  }

  private static String keyOf(RowKind kind, Map<String, Object> columns) {
    List<String> parts = new ArrayList<>();
    for (String k : ProjectionColumns.key(kind)) {
      parts.add(k + "=" + show(normalise(columns.get(k))));
    }
    return "(" + String.join(", ", parts) + ")";
  }

  private static Object normalise(Object value) {
    return value instanceof Number n ? (Object) n.longValue() : value;
  }

  private static boolean same(String column, Object expected, Object actual) {
    if (Objects.equals(expected, actual)) {
      return true;
    }
    if (column.equals("data") && expected instanceof String e && actual instanceof String a) {
      try {
        JsonNode x = ResponseJson.mapper().readTree(e);
        JsonNode y = ResponseJson.mapper().readTree(a);
        return ResponseJson.mapper()
            .readTree(x.toString())
            .equals(ResponseJson.mapper().readTree(y.toString()));
      } catch (java.io.IOException ex) {
        return false;
      }
    }
    return false;
  }

  private static String show(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      String shown = s.length() > 120 ? s.substring(0, 120) + "..." : s;
      return "\"" + shown.replace("\"", "\\\"") + "\"";
    }
    return value.toString();
  }
}
