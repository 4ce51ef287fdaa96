package dev.baton.app.sink.projection.verify;

import dev.baton.app.check.EventLogReader;
import dev.baton.app.check.PositionedEvent;
import dev.baton.app.config.KafkaAccess;
import dev.baton.app.sink.projection.EventRows;
import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.ProjectionState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The projected rows of the events topic, read once ({@code read_committed}, up to the end offsets
 * at the time), replayable up to any offsets: the reference every other state is compared with.
 */
public final class LogHistory {
  private final List<ProjectionRow> rows;
  private final SortedMap<Integer, Long> end;

  LogHistory(List<ProjectionRow> rows, SortedMap<Integer, Long> end) {
    this.rows = rows;
    this.end = end;
  }

  /** Reads {@code topic} from its beginning to its current end. */
  public static LogHistory read(KafkaAccess kafka, String topic, Duration timeout) {
    EventLogReader.EventLog log = EventLogReader.read(kafka, topic, timeout);
    List<ProjectionRow> rows = new ArrayList<>();
    SortedMap<Integer, Long> end = new TreeMap<>();
    for (PositionedEvent e : log.events()) {
      EventRows.rowOf(e.event(), e.partition(), e.offset()).ifPresent(rows::add);
      end.merge(e.partition(), e.offset() + 1, Math::max);
    }
    return new LogHistory(rows, end);
  }

  /** Per partition, one past the last event read. */
  public SortedMap<Integer, Long> end() {
    return end;
  }

  /** The state after every event read. */
  public ProjectionState replay() {
    return replayOnto(new ProjectionState(), Map.of(), null);
  }

  /** The state after the events before {@code upTo} (partition -> first offset not applied). */
  public ProjectionState replay(Map<Integer, Long> upTo) {
    return replayOnto(new ProjectionState(), Map.of(), upTo);
  }

  /**
   * Applies to {@code base} the events at or after {@code from} and before {@code upTo} (null: to
   * the end); partitions {@code from} does not name start at 0.
   */
  public ProjectionState replayOnto(
      ProjectionState base, Map<Integer, Long> from, Map<Integer, Long> upTo) {
    for (ProjectionRow row : rows) {
      long start = from.getOrDefault(row.partition(), 0L);
      long stop = upTo == null ? Long.MAX_VALUE : upTo.getOrDefault(row.partition(), 0L);
      if (row.offset() >= start && row.offset() < stop) {
        base.apply(row);
      }
    }
    return base;
  }
}
