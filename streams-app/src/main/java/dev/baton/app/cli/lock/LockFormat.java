package dev.baton.app.cli.lock;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Human-readable renderings of lock answers and lock states (as JSON from the API). {@link #detail}
 * reads both the status answer and the raw lock state a rejection carries.
 */
final class LockFormat {
  private LockFormat() {}

  /** {@code lock src/App.java granted: EXCLUSIVE, token 2, lease until 2026-...Z}. */
  static String grant(JsonNode answer) {
    String line =
        "lock "
            + resource(answer)
            + " granted: "
            + answer.path("mode").asText("?")
            + ", token "
            + answer.path("token").asText("?")
            + leaseUntil(answer);
    List<String> holders = texts(answer.get("holders"));
    return holders.size() > 1 ? line + " (holders: " + String.join(", ", holders) + ")" : line;
  }

  /** {@code request for lock src/App.java queued at position 2 (held by alice)}. */
  static String queued(JsonNode answer) {
    return "request for lock "
        + resource(answer)
        + " queued at position "
        + answer.path("position").asText("?")
        + heldBy(texts(answer.get("holders")));
  }

  /** {@code lock src/App.java renewed: token 2, lease until ...}. */
  static String renewed(JsonNode answer) {
    return "lock "
        + resource(answer)
        + " renewed: token "
        + answer.path("token").asText("?")
        + leaseUntil(answer);
  }

  /** {@code lock src/App.java released (token 2)}. */
  static String released(JsonNode answer) {
    JsonNode token = answer.get("token");
    return "lock "
        + resource(answer)
        + " released"
        + (token == null || token.isNull() ? "" : " (token " + token.asText() + ")");
  }

  /** {@code lock src/A.java force-released by root: [alice (token 4)]}. */
  static String forceReleased(JsonNode answer) {
    return "lock " + resource(answer) + " " + answer.path("message").asText("force-released");
  }

  static String cancelled(JsonNode answer) {
    return "request for lock " + resource(answer) + " cancelled";
  }

  /**
   * The place of {@code agent} in the queue of {@code lock}, as a line for stderr, or null when it
   * is not waiting: {@code waiting for lock src/App.java: position 1 of 2, held by alice}.
   */
  static String queueLine(JsonNode lock, String agent) {
    JsonNode queue = lock.path("queue");
    for (int i = 0; i < queue.size(); i++) {
      if (agent.equals(queue.get(i).path("agent").asText())) {
        List<String> holders = new ArrayList<>();
        lock.path("holders").forEach(h -> holders.add(h.path("agent").asText("?")));
        return "waiting for lock "
            + lock.path("resource").asText("?")
            + ": position "
            + (i + 1)
            + " of "
            + queue.size()
            + (holders.isEmpty() ? "" : ", held by " + String.join(", ", holders));
      }
    }
    return null;
  }

  /** The headline, then one line per holder and per waiter in queue order. */
  static String detail(JsonNode lock) {
    List<String> lines = new ArrayList<>();
    JsonNode holders = lock.path("holders");
    String mode = holders.isEmpty() ? "free" : holders.get(0).path("mode").asText("?");
    lines.add(
        "lock "
            + lock.path("resource").asText("?")
            + " v"
            + lock.path("version").asText("?")
            + " "
            + mode
            + ", last token "
            + lock.path("lastToken").asText("0"));
    for (JsonNode h : holders) {
      lines.add(
          String.format(
              "  %-10s %s %s, token %s, lease until %s",
              "holder",
              h.path("agent").asText("?"),
              h.path("mode").asText("?"),
              h.path("token").asText("?"),
              h.path("leaseDeadline").asText("?")));
    }
    JsonNode queue = lock.path("queue");
    for (int i = 0; i < queue.size(); i++) {
      JsonNode w = queue.get(i);
      lines.add(
          String.format(
              "  %-10s %s %s, waits until %s",
              "waiting #" + (i + 1),
              w.path("agent").asText("?"),
              w.path("mode").asText("?"),
              w.path("waitDeadline").asText("?")));
    }
    return String.join(System.lineSeparator(), lines);
  }

  private static String resource(JsonNode answer) {
    JsonNode resource = answer.get("resource");
    if (resource != null && resource.isTextual()) {
      return resource.asText();
    }
    return answer.path("state").path("resource").asText("?");
  }

  private static String leaseUntil(JsonNode answer) {
    JsonNode deadline = answer.get("leaseDeadline");
    return deadline == null || deadline.isNull() ? "" : ", lease until " + deadline.asText();
  }

  private static String heldBy(List<String> holders) {
    return holders.isEmpty() ? "" : " (held by " + String.join(", ", holders) + ")";
  }

  private static List<String> texts(JsonNode values) {
    List<String> items = new ArrayList<>();
    if (values != null && values.isArray()) {
      values.forEach(v -> items.add(v.asText()));
    }
    return items;
  }
}
