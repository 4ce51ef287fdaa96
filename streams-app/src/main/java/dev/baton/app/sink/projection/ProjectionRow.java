package dev.baton.app.sink.projection;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One row of the projection as it travels between the log, the tables and checkpoints: the
 * aggregate's full state plus the log position of the event that produced it. Every column of the
 * tables is derived from {@code data}, so a row restored from a checkpoint equals the row the sink
 * wrote.
 *
 * @param kind which table
 * @param key the aggregate key ({@code <ws>/task/<id>}, {@code <ws>/lock/<resource>}) or, for a
 *     decision, {@code <ws>/decisions/<number>}
 * @param version the task's or lock's version, or the decision's number; an upsert applies only
 *     when it is higher than the stored one
 * @param partition the {@code baton.events} partition of the event that produced it
 * @param offset that event's offset
 * @param data the aggregate's state ({@code Task}, {@code LockState} or {@code Decision} JSON)
 */
public record ProjectionRow(
    RowKind kind, String key, long version, int partition, long offset, JsonNode data) {
  public ProjectionRow {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(data, "data");
  }

  /** The identity of the row: kind and key. */
  public String identity() {
    return kind.wire() + ":" + key;
  }
}
