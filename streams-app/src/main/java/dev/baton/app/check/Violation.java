package dev.baton.app.check;

/**
 * One broken invariant at one place in the log.
 *
 * @param invariant which property is broken
 * @param key the aggregate key concerned
 * @param partition the partition of the offending event
 * @param offset the offset of the offending event
 * @param eventId the offending event's id, if it could be read
 * @param message what is wrong, naming the agents, tokens and versions involved
 */
public record Violation(
    Invariant invariant, String key, int partition, long offset, String eventId, String message) {

  static Violation at(Invariant invariant, PositionedEvent at, String message) {
    return new Violation(
        invariant, at.event().key(), at.partition(), at.offset(), at.event().id(), message);
  }

  @Override
  public String toString() {
    return "["
        + invariant.label()
        + "] "
        + key
        + " at partition "
        + partition
        + " offset "
        + offset
        + (eventId == null ? "" : " (event " + eventId + ")")
        + ": "
        + message;
  }
}
