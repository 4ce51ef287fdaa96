package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The closed set of event types on {@code baton.events}, with their wire names. */
public enum EventType {
  /** A task was created. */
  TASK_CREATED("task.created"),
  /** A task's fields changed. */
  TASK_UPDATED("task.updated"),
  /** A task was claimed. */
  TASK_CLAIMED("task.claimed"),
  /** A task moved to another status. */
  TASK_STATUS_CHANGED("task.status_changed"),
  /** A lock was granted (at once or from the queue). */
  LOCK_GRANTED("lock.granted"),
  /** A lock request joined the queue. */
  LOCK_QUEUED("lock.queued"),
  /** A lease was extended. */
  LOCK_RENEWED("lock.renewed"),
  /** A holder released its lock. */
  LOCK_RELEASED("lock.released"),
  /** A queued request was withdrawn. */
  LOCK_CANCELLED("lock.cancelled"),
  /** A lease ran out. */
  LOCK_EXPIRED("lock.expired"),
  /** A queued request's wait ran out. */
  LOCK_WAIT_EXPIRED("lock.wait_expired"),
  /** A decision was recorded. */
  DECISION_RECORDED("decision.recorded"),
  /** An agent emitted an event of its own ({@code event.emit}). */
  AGENT_EVENT("agent.event"),
  /** State was restored from a checkpoint. */
  STATE_RESTORED("state.restored"),
  /** A command was rejected (its outcome code and message). */
  COMMAND_REJECTED("command.rejected");

  private static final Map<String, EventType> BY_WIRE =
      Arrays.stream(values()).collect(Collectors.toMap(EventType::wire, Function.identity()));

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  /**
   * The wire name.
   *
   * @return e.g. {@code task.created}
   */
  @JsonValue
  public String wire() {
    return wire;
  }

  /**
   * The type named {@code wire}.
   *
   * @param wire a wire name
   * @return the type, or empty when it is not a known event type
   */
  public static Optional<EventType> fromWire(String wire) {
    return Optional.ofNullable(BY_WIRE.get(wire));
  }

  @JsonCreator
  static EventType parse(String wire) {
    return fromWire(wire)
        .orElseThrow(() -> new IllegalArgumentException("unknown event type '" + wire + "'"));
  }
}
