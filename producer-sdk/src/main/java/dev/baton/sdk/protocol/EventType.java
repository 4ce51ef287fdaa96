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
  TASK_CREATED("task.created"),
  TASK_UPDATED("task.updated"),
  TASK_CLAIMED("task.claimed"),
  TASK_STATUS_CHANGED("task.status_changed"),
  LOCK_GRANTED("lock.granted"),
  LOCK_QUEUED("lock.queued"),
  LOCK_RENEWED("lock.renewed"),
  LOCK_RELEASED("lock.released"),
  LOCK_CANCELLED("lock.cancelled"),
  LOCK_EXPIRED("lock.expired"),
  LOCK_WAIT_EXPIRED("lock.wait_expired"),
  DECISION_RECORDED("decision.recorded"),
  AGENT_EVENT("agent.event"),
  STATE_RESTORED("state.restored"),
  COMMAND_REJECTED("command.rejected");

  private static final Map<String, EventType> BY_WIRE =
      Arrays.stream(values()).collect(Collectors.toMap(EventType::wire, Function.identity()));

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  public static Optional<EventType> fromWire(String wire) {
    return Optional.ofNullable(BY_WIRE.get(wire));
  }

  @JsonCreator
  static EventType parse(String wire) {
    return fromWire(wire)
        .orElseThrow(() -> new IllegalArgumentException("unknown event type '" + wire + "'"));
  }
}
