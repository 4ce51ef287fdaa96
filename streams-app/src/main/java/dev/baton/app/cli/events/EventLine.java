package dev.baton.app.cli.events;

import com.fasterxml.jackson.databind.JsonNode;

/** One event as a readable line: {@code <at> <type> <key> v<version> by <agent> [detail]}. */
final class EventLine {
  private EventLine() {}

  static String of(JsonNode event) {
    StringBuilder line =
        new StringBuilder()
            .append(event.path("at").asText("-"))
            .append(' ')
            .append(event.path("type").asText("?"))
            .append(' ')
            .append(event.path("key").asText("?"));
    if (event.hasNonNull("version")) {
      line.append(" v").append(event.path("version").asLong());
    }
    line.append(" by ").append(event.path("agent").asText("?"));
    JsonNode data = event.path("data");
    String detail = detail(data);
    if (!detail.isEmpty()) {
      line.append(" (").append(detail).append(')');
    }
    return line.toString();
  }

  /** A few fields that say what changed, when present. */
  private static String detail(JsonNode data) {
    StringBuilder d = new StringBuilder();
    for (String field : new String[] {"status", "title", "assignee", "code", "number"}) {
      JsonNode v = data.get(field);
      if (v != null && v.isValueNode()) {
        if (!d.isEmpty()) {
          d.append(", ");
        }
        String text = v.asText();
        d.append(field)
            .append('=')
            .append(text.length() > 60 ? text.substring(0, 60) + "..." : text);
      }
    }
    return d.toString();
  }
}
