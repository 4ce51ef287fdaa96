package dev.baton.app.sink.audit;

import java.time.Instant;
import java.util.Set;

/**
 * Which lines a reader wants. Every criterion is optional (null or empty = any).
 *
 * @param since only lines with a timestamp at or after this
 * @param until only lines with a timestamp before this
 * @param fromOffset only lines at or after this offset (in each partition); -1 = any
 * @param toOffset only lines at or before this offset (in each partition); -1 = any
 * @param partitions only these partitions
 * @param key the event's key: exact, or a prefix when it ends with {@code *}
 * @param types only these event types (wire names, e.g. {@code task.created})
 * @param agent only events of this agent
 */
public record AuditFilter(
    Instant since,
    Instant until,
    long fromOffset,
    long toOffset,
    Set<Integer> partitions,
    String key,
    Set<String> types,
    String agent) {

  public static final AuditFilter ALL =
      new AuditFilter(null, null, -1, -1, Set.of(), null, Set.of(), null);

  public AuditFilter {
    partitions = partitions == null ? Set.of() : Set.copyOf(partitions);
    types = types == null ? Set.of() : Set.copyOf(types);
  }

  /** The same filter over a time and offset range only (what recovery applies). */
  public AuditFilter rangeOnly() {
    return new AuditFilter(since, until, fromOffset, toOffset, partitions, null, Set.of(), null);
  }

  public boolean includesPartition(int partition) {
    return partitions.isEmpty() || partitions.contains(partition);
  }

  /** Whether offsets past this one can still match (offsets only grow in a partition). */
  public boolean beyondRange(long offset) {
    return toOffset >= 0 && offset > toOffset;
  }

  public boolean matches(AuditLine line) {
    if (fromOffset >= 0 && line.offset() < fromOffset) {
      return false;
    }
    if (toOffset >= 0 && line.offset() > toOffset) {
      return false;
    }
    if (since != null && line.timestamp() < since.toEpochMilli()) {
      return false;
    }
    if (until != null && line.timestamp() >= until.toEpochMilli()) {
      return false;
    }
    if (key == null && types.isEmpty() && agent == null) {
      return true;
    }
    AuditLine.EventSummary event = line.summary();
    if (event == null) {
      return false;
    }
    if (key != null && !keyMatches(event.key())) {
      return false;
    }
    if (!types.isEmpty() && (event.type() == null || !types.contains(event.type()))) {
      return false;
    }
    return agent == null || agent.equals(event.agent());
  }

  private boolean keyMatches(String eventKey) {
    if (eventKey == null) {
      return false;
    }
    if (key.endsWith("*")) {
      return eventKey.startsWith(key.substring(0, key.length() - 1));
    }
    return eventKey.equals(key);
  }
}
