package dev.baton.app.sink.projection.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.io.FixedWidthTimes;
import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.ProjectionState;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.sdk.protocol.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  /**
   * The tree as read back from its text, so that number node types do not matter, with Baton's own
   * time fields in one form: the log holds {@code Instant}'s text ({@code 11:49:30Z}), HTTP answers
   * their fixed-width form ({@code 11:49:30.000Z}, cut to milliseconds; {@link FixedWidthTimes}).
   * The same instant must not count as a difference; any other text, and anything under a task's
   * own {@code fields} (the agents' data), is compared as it is.
   */
  static JsonNode normalized(JsonNode node) {
    try {
      JsonNode tree = Json.mapper().readTree(node.toString());
      canonicalTimes(tree);
      return tree;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot re-read JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Names of the time fields in Baton's task, lock and decision rows. */
  private static boolean isTimeField(String name) {
    return name.equals("at") || name.endsWith("At") || name.endsWith("Deadline");
  }

  private static void canonicalTimes(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode value = object.get(name);
        if (name.equals("fields")) {
          continue;
        }
        if (isTimeField(name) && value.isTextual()) {
          canonicalTime(value.asText()).ifPresent(t -> object.put(name, t));
        } else {
          canonicalTimes(value);
        }
      }
    } else if (node.isArray()) {
      node.forEach(StateDiff::canonicalTimes);
    }
  }

  private static Optional<String> canonicalTime(String text) {
    try {
      return Optional.of(FixedWidthTimes.format(Instant.parse(text)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static void add(Set<String> ids, String id, ProjectionRow row, Set<RowKind> kinds) {
    if (kinds.contains(row.kind())) {
      ids.add(id);
    }
  }
}
