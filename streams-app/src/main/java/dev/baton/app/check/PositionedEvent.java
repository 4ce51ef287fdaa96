package dev.baton.app.check;

import dev.baton.sdk.protocol.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One event of {@code baton.events} with its place in the log.
 *
 * @param partition the partition of {@code baton.events} it was read from
 * @param offset its offset in that partition
 * @param event the event
 */
public record PositionedEvent(int partition, long offset, Event event) {

  public PositionedEvent {
    Objects.requireNonNull(event, "event");
  }

  /**
   * Places {@code events} on one partition at offsets 0, 1, 2, ... in list order: the log a {@code
   * TopologyTestDriver}, which has one partition per topic, would have written.
   */
  public static List<PositionedEvent> onePartition(List<Event> events) {
    List<PositionedEvent> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      out.add(new PositionedEvent(0, i, events.get(i)));
    }
    return out;
  }

  /** {@code partition/offset}, the way violations name a position. */
  public String position() {
    return partition + "/" + offset;
  }
}
