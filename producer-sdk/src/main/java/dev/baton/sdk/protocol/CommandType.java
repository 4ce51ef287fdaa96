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
  /** Creates a task. */
  TASK_CREATE("task.create"),
  /** Patches a task's fields. */
  TASK_UPDATE("task.update"),
  /** Claims an {@code OPEN} task for the sending agent. */
  TASK_CLAIM("task.claim"),
  /** Moves a task to another status. */
  TASK_TRANSITION("task.transition"),
  /** Acquires a lock, or queues for it. */
  LOCK_ACQUIRE("lock.acquire"),
  /** Releases a held lock. */
  LOCK_RELEASE("lock.release"),
  /** Extends a held lock's lease. */
  LOCK_RENEW("lock.renew"),
  /** Withdraws a queued lock request. */
  LOCK_CANCEL("lock.cancel"),
  /**
   * Admin: releases another agent's grant (or every grant) of a lock; the gateway sends it only for
   * admin tokens.
   */
  LOCK_FORCE_RELEASE("lock.force_release"),
  /** Records a numbered decision. */
  DECISION_RECORD("decision.record"),
  /** Emits an agent's own event. */
  EVENT_EMIT("event.emit"),
  /** Restores state from a checkpoint. */
  STATE_RESTORE("state.restore");

  private static final Map<String, CommandType> BY_WIRE =
      Arrays.stream(values()).collect(Collectors.toMap(CommandType::wire, Function.identity()));

  private final String wire;

  CommandType(String wire) {
    this.wire = wire;
  }

  /**
   * The wire name.
   *
   * @return e.g. {@code task.create}
   */
  @JsonValue
  public String wire() {
    return wire;
  }

  /**
   * The type named {@code wire}.
   *
   * @param wire a wire name
   * @return the type, or empty when it is not a known command type
   */
  public static Optional<CommandType> fromWire(String wire) {
    return Optional.ofNullable(BY_WIRE.get(wire));
  }

  @JsonCreator
  static CommandType parse(String wire) {
    return fromWire(wire)
        .orElseThrow(() -> new IllegalArgumentException("unknown command type '" + wire + "'"));
  }

  /**
   * Whether it acts on a task.
   *
   * @return true for the {@code task.*} commands
   */
  public boolean isTaskCommand() {
    return this == TASK_CREATE
        || this == TASK_UPDATE
        || this == TASK_CLAIM
        || this == TASK_TRANSITION;
  }

  /**
   * Whether it acts on a lock.
   *
   * @return true for the {@code lock.*} commands
   */
  public boolean isLockCommand() {
    return this == LOCK_ACQUIRE
        || this == LOCK_RELEASE
        || this == LOCK_RENEW
        || this == LOCK_CANCEL
        || this == LOCK_FORCE_RELEASE;
  }
}
