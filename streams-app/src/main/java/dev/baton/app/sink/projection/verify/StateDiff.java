package dev.baton.app.sink.projection.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.ProjectionState;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.sdk.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Compares two states row by row: presence, version and content. */
public final class StateDiff {
  private StateDiff() {}

  /**
   * The differences of {@code actual} (named {@code name}) from {@code expected}, over the rows of
   * {@code kinds}; empty when they agree.
   */
  public static List<String> compare(
      String name, ProjectionState expected, ProjectionState actual, Set<RowKind> kinds) {
    Set<String> ids = new TreeSet<>();
    expected.rows().forEach((id, row) -> add(ids, id, row, kinds));
    actual.rows().forEach((id, row) -> add(ids, id, row, kinds));
    List<String> diffs = new ArrayList<>();
    for (String id : ids) {
      ProjectionRow want = expected.rows().get(id);
      ProjectionRow got = actual.rows().get(id);
      String what = id.replaceFirst(":", " ");
      if (got == null) {
        diffs.add(name + ": missing " + what + " (log has version " + want.version() + ")");
      } else if (want == null) {
        diffs.add(name + ": extra " + what + " at version " + got.version() + " (not in the log)");
      } else if (want.version() != got.version()) {
        diffs.add(
            name
                + ": "
                + what
                + " is at version "
                + got.version()
                + ", the log at "
                + want.version());
      } else if (!normalized(want.data()).equals(normalized(got.data()))) {
        diffs.add(
            name
                + ": "
                + what
                + " version "
                + got.version()
                + " differs in content: "
                + got.data()
                + " vs log "
                + want.data());
      }
    }
    return diffs;
  }

  /** The tree as read back from its text, so that number node types do not matter. */
  private static JsonNode normalized(JsonNode node) {
    try {
      return Json.mapper().readTree(node.toString());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot re-read JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void add(Set<String> ids, String id, ProjectionRow row, Set<RowKind> kinds) {
    if (kinds.contains(row.kind())) {
      ids.add(id);
    }
  }
}
