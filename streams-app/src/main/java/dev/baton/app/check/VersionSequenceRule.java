package dev.baton.app.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link Invariant#VERSION_SEQUENCE}: per key, {@code task.*} events carry the task's versions and
 * {@code lock.*} events the lock's (a task and the lock on it share a key but not a sequence); each
 * sequence rises by exactly one, a task starts at 1, and an event's version equals the {@code
 * version} of its data. The first event of a sequence that is not a creation sets the baseline, so
 * a log whose head was deleted by retention still checks.
 */
final class VersionSequenceRule implements HistoryRule {
  private final Map<String, Long> taskVersions = new HashMap<>();
  private final Map<String, Long> lockVersions = new HashMap<>();

  @Override
  public void check(Step step, Violations out) {
    Event event = step.event();
    String wire = event.type().wire();
    Map<String, Long> sequence;
    String what;
    if (wire.startsWith("task.")) {
      sequence = taskVersions;
      what = "task";
    } else if (wire.startsWith("lock.")) {
      sequence = lockVersions;
      what = "lock";
    } else {
      return;
    }
    Long version = event.version();
    if (version == null) {
      out.add(Invariant.VERSION_SEQUENCE, step.at(), wire + " event carries no version");
      return;
    }
    JsonNode dataVersion = event.data() == null ? null : event.data().get("version");
    if (dataVersion != null && dataVersion.isIntegralNumber() && dataVersion.asLong() != version) {
      out.add(
          Invariant.VERSION_SEQUENCE,
          step.at(),
          wire
              + " event says version "
              + version
              + " but its data is at version "
              + dataVersion.asLong());
    }
    Long last = sequence.get(step.key());
    if (last != null && version != last + 1) {
      out.add(
          Invariant.VERSION_SEQUENCE,
          step.at(),
          what + " version " + version + " follows " + last + "; expected " + (last + 1));
    } else if (last == null && event.type() == EventType.TASK_CREATED && version != 1) {
      out.add(
          Invariant.VERSION_SEQUENCE,
          step.at(),
          "task created at version " + version + "; expected 1");
    }
    sequence.put(step.key(), version);
  }

  @Override
  public void forget(String key) {
    taskVersions.remove(key);
    lockVersions.remove(key);
  }
}
