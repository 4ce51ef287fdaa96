package dev.baton.app.agent.hooks;

import dev.baton.app.agent.AgentStatus;
import dev.baton.app.state.AgentHoldings;
import dev.baton.sdk.protocol.Task;
import java.util.List;
import java.util.function.Function;

/**
 * The text a new session is told ({@code SessionStart}'s {@code additionalContext}): the agent's
 * locks (resource, token, lease deadline), its queued requests (position), its unfinished tasks
 * (id, title, status, version) and the newest decisions (number, title), one short line per
 * section.
 *
 * <p>Bounded: at most {@value #MAX_ITEMS} items per section (then "and N more"), titles cut to
 * {@value #MAX_TITLE} characters, and the whole text to {@value #MAX_CHARS} characters, since every
 * session pays for it in tokens.
 */
final class SessionContext {
  static final int MAX_CHARS = 4000;
  static final int MAX_ITEMS = 20;
  static final int MAX_TITLE = 80;

  private SessionContext() {}

  static String of(AgentStatus status) {
    AgentHoldings.Holdings locks = status.locks();
    StringBuilder out =
        new StringBuilder("Baton: you are agent ")
            .append(status.agent())
            .append(" in workspace ")
            .append(status.workspace())
            .append(". Edits lock their file first; don't work around a denied edit.\n");
    section(
        out,
        "Locks you hold",
        locks.held(),
        0,
        h -> h.resource() + " token " + h.token() + " lease until " + h.leaseDeadline());
    section(
        out,
        "Lock requests you wait in",
        locks.waiting(),
        0,
        w -> w.resource() + " position " + w.position());
    if (!locks.complete()) {
      out.append("(the lock scan stopped at its bound; there may be more)\n");
    }
    section(
        out,
        "Your unfinished tasks",
        status.tasks(),
        status.moreTasks() ? 1 : 0,
        SessionContext::task);
    if (status.decisionsUnavailable() != null) {
      out.append("Recent decisions: not readable on this node.\n");
    } else {
      section(
          out,
          "Recent decisions",
          status.decisions(),
          0,
          d -> "#" + d.number() + " " + title(d.title()));
    }
    return bounded(out.toString());
  }

  private static <T> void section(
      StringBuilder out, String name, List<T> items, int unlisted, Function<T, String> line) {
    out.append(name).append(": ");
    if (items.isEmpty() && unlisted == 0) {
      out.append("none\n");
      return;
    }
    int shown = Math.min(items.size(), MAX_ITEMS);
    for (int i = 0; i < shown; i++) {
      out.append(i == 0 ? "" : "; ").append(line.apply(items.get(i)));
    }
    int more = items.size() - shown;
    if (more > 0) {
      out.append("; and ").append(more).append(" more");
    } else if (unlisted > 0) {
      out.append("; and more");
    }
    out.append('\n');
  }

  private static String task(Task t) {
    return t.id() + " \"" + title(t.title()) + "\" " + t.status() + " v" + t.version();
  }

  private static String title(String title) {
    return title.length() <= MAX_TITLE ? title : title.substring(0, MAX_TITLE - 3) + "...";
  }

  private static String bounded(String text) {
    String trimmed = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (trimmed.length() <= MAX_CHARS) {
      return trimmed;
    }
    String cut = " ... (cut; call baton_status for the rest)";
    return trimmed.substring(0, MAX_CHARS - cut.length()) + cut;
  }
}
