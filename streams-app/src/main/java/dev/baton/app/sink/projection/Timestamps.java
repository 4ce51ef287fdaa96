package dev.baton.app.sink.projection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.io.FixedWidthTimes;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Times in the projection's tables: UTC ISO-8601 with exactly three fraction digits ({@code
 * 2026-11-27T22:00:00.012Z}), so that text order is time order in SQLite and PostgreSQL alike.
 */
public final class Timestamps {
  private Timestamps() {}

  public static String format(Instant instant) {
    return FixedWidthTimes.format(instant);
  }

  /** The time in a JSON text field, formatted; null when absent or unreadable. */
  public static String format(JsonNode node) {
    if (node == null || !node.isTextual()) {
      return null;
    }
    try {
      return format(Instant.parse(node.asText()));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
