package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The closed set of command types, with their wire names (e.g. {@code task.create}). */
public enum CommandType {
  TASK_CREATE("task.create"),
  TASK_UPDATE("task.update"),
  TASK_CLAIM("task.claim"),
  TASK_TRANSITION("task.transition"),
  LOCK_ACQUIRE("lock.acquire"),
  LOCK_RELEASE("lock.release"),
  LOCK_RENEW("lock.renew"),
  LOCK_CANCEL("lock.cancel"),
  DECISION_RECORD("decision.record"),
  EVENT_EMIT("event.emit"),
  STATE_RESTORE("state.restore");

  private static final Map<String, CommandType> BY_WIRE =
      Arrays.stream(values()).collect(Collectors.toMap(CommandType::wire, Function.identity()));

  private final String wire;

  CommandType(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** The type named {@code wire}, or empty when it is not a known command type. */
  public static Optional<CommandType> fromWire(String wire) {
    return Optional.ofNullable(BY_WIRE.get(wire));
  }

  @JsonCreator
  static CommandType parse(String wire) {
    return fromWire(wire)
        .orElseThrow(() -> new IllegalArgumentException("unknown command type '" + wire + "'"));
  }

  public boolean isTaskCommand() {
    return this == TASK_CREATE
        || this == TASK_UPDATE
        || this == TASK_CLAIM
        || this == TASK_TRANSITION;
  }

  public boolean isLockCommand() {
    return this == LOCK_ACQUIRE
        || this == LOCK_RELEASE
        || this == LOCK_RENEW
        || this == LOCK_CANCEL;
  }
}
