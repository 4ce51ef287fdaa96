package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * The answer to one command on {@code baton.outcomes}, keyed by command id. Every command gets
 * exactly one outcome; a queued lock request gets a second one when it is granted, its wait expires
 * or it is cancelled, sent also to the reply partition of every retry of it that came while it
 * waited.
 *
 * @param commandId the command answered
 * @param commandType the command's type, when it could be read
 * @param key the aggregate key, when it could be derived
 * @param status what happened
 * @param code why
 * @param message human-readable detail naming the field and value at fault
 * @param version the aggregate's version after the command (or its current version on rejection)
 * @param token for lock grants: the fencing token
 * @param position for queued lock requests: 1-based place in the queue
 * @param holders for lock outcomes: the agents holding the lock
 * @param leaseDeadline for lock grants: when the lease runs out unless renewed
 * @param state the aggregate's state after the command; on rejection its current state, so the
 *     agent can rebase and retry
 * @param originalStatus on a {@link OutcomeStatus#DUPLICATE}: the status of the first outcome
 * @param at when the topology decided
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Outcome(
    String commandId,
    CommandType commandType,
    String key,
    OutcomeStatus status,
    OutcomeCode code,
    String message,
    Long version,
    Long token,
    Integer position,
    List<String> holders,
    Instant leaseDeadline,
    JsonNode state,
    OutcomeStatus originalStatus,
    Instant at) {

  /**
   * Whether the command took effect; for a duplicate, whether its original did.
   *
   * @return whether it took effect
   */
  @JsonIgnore
  public boolean isSuccess() {
    OutcomeStatus effective = status == OutcomeStatus.DUPLICATE ? originalStatus : status;
    return effective != null && effective.isSuccess();
  }

  /**
   * The task this outcome carries, typed: for task commands, the task after the change (or, on a
   * rejection, as it is).
   *
   * @return the task, or null when this is not a task command's outcome or carries no task
   */
  @JsonIgnore
  public Task task() {
    return commandType != null && commandType.isTaskCommand() ? typedState(Task.class) : null;
  }

  /**
   * The lock this outcome carries, typed: for lock commands, the lock after the change (or, on a
   * rejection, as it is).
   *
   * @return the lock, or null when this is not a lock command's outcome or carries no lock
   */
  @JsonIgnore
  public LockState lock() {
    return commandType != null && commandType.isLockCommand() ? typedState(LockState.class) : null;
  }

  private <T> T typedState(Class<T> type) {
    return state == null || !state.isObject() ? null : Json.mapper().convertValue(state, type);
  }

  /**
   * This outcome repeated for a retried command id.
   *
   * @return this outcome as a {@code DUPLICATE}, its status kept as {@code originalStatus}
   */
  public Outcome asDuplicate() {
    if (status == OutcomeStatus.DUPLICATE) {
      return this;
    }
    return with(OutcomeStatus.DUPLICATE, status);
  }

  /**
   * This outcome with another status (e.g. a renewal reported as ACCEPTED).
   *
   * @param newStatus the status to report
   * @return the copy
   */
  public Outcome withStatus(OutcomeStatus newStatus) {
    return with(newStatus, originalStatus);
  }

  private Outcome with(OutcomeStatus newStatus, OutcomeStatus newOriginalStatus) {
    return new Outcome(
        commandId,
        commandType,
        key,
        newStatus,
        code,
        message,
        version,
        token,
        position,
        holders,
        leaseDeadline,
        state,
        newOriginalStatus,
        at);
  }

  /**
   * {@code command} took effect ({@code "ok"}); {@code state} is its aggregate at {@code version}.
   *
   * @param command the command answered
   * @param key the aggregate key
   * @param version the aggregate's version after it
   * @param state the aggregate after it
   * @param at when the topology decided
   * @return the outcome
   */
  public static Outcome accepted(
      Command command, String key, Long version, JsonNode state, Instant at) {
    return accepted(command, key, version, state, "ok", at);
  }

  /**
   * {@code command} took effect; {@code state} is its aggregate at {@code version}.
   *
   * @param command the command answered
   * @param key the aggregate key
   * @param version the aggregate's version after it
   * @param state the aggregate after it
   * @param message the detail
   * @param at when the topology decided
   * @return the outcome
   */
  public static Outcome accepted(
      Command command, String key, Long version, JsonNode state, String message, Instant at) {
    return new Outcome(
        command.id(),
        command.type(),
        key,
        OutcomeStatus.ACCEPTED,
        OutcomeCode.OK,
        message,
        version,
        null,
        null,
        null,
        null,
        state,
        null,
        at);
  }

  /**
   * A command refused for {@code code}; {@code version} and {@code state} are its aggregate's
   * current ones, so the agent can rebase and retry (null when there is no aggregate).
   *
   * @param commandId the command refused
   * @param type its type, or null when unreadable
   * @param key its aggregate key, or null
   * @param code why
   * @param message the detail, naming the field and value at fault
   * @param version the aggregate's current version, or null
   * @param state the aggregate's current state, or null
   * @param at when the topology decided
   * @return the outcome
   */
  public static Outcome rejected(
      String commandId,
      CommandType type,
      String key,
      OutcomeCode code,
      String message,
      Long version,
      JsonNode state,
      Instant at) {
    return new Outcome(
        commandId,
        type,
        key,
        OutcomeStatus.REJECTED,
        code,
        message,
        version,
        null,
        null,
        null,
        null,
        state,
        null,
        at);
  }

  /**
   * A command refused before it reached any aggregate's state (unreadable, wrong key, failed).
   *
   * @param commandId the command refused
   * @param type its type, or null when unreadable
   * @param key its aggregate key, or null
   * @param code why
   * @param message the detail, naming the field and value at fault
   * @param at when the topology decided
   * @return the outcome
   */
  public static Outcome rejected(
      String commandId,
      CommandType type,
      String key,
      OutcomeCode code,
      String message,
      Instant at) {
    return rejected(commandId, type, key, code, message, null, null, at);
  }

  /**
   * Lock request {@code requestId} holds {@code grant} of {@code lock} (the lock after it).
   *
   * @param requestId the acquire's command id
   * @param type the command's type
   * @param lock the lock after it
   * @param grant the request's holder entry (token, lease deadline)
   * @param message the detail
   * @param at when the topology decided
   * @return the outcome
   */
  public static Outcome granted(
      String requestId,
      CommandType type,
      LockState lock,
      LockState.Holder grant,
      String message,
      Instant at) {
    return lock(
        requestId,
        type,
        lock,
        OutcomeStatus.GRANTED,
        OutcomeCode.OK,
        message,
        grant.token(),
        null,
        grant.leaseDeadline(),
        at);
  }

  /**
   * Lock request {@code requestId} waits at 1-based {@code position} in {@code lock}'s queue.
   *
   * @param requestId the acquire's command id
   * @param type the command's type
   * @param lock the lock after it
   * @param position 1-based place in the queue
   * @param message the detail
   * @param at when the topology decided
   * @return the outcome
   */
  public static Outcome queued(
      String requestId,
      CommandType type,
      LockState lock,
      int position,
      String message,
      Instant at) {
    return lock(
        requestId,
        type,
        lock,
        OutcomeStatus.QUEUED,
        OutcomeCode.OK,
        message,
        null,
        position,
        null,
        at);
  }

  /**
   * A lock command took effect ({@code lock} after it); {@code token} names the grant it ended (a
   * release), else null.
   *
   * @param commandId the command answered
   * @param type the command's type
   * @param lock the lock after it
   * @param token the grant it ended, or null
   * @param message the detail
   * @param at when the topology decided
   * @return the outcome
   */
  public static Outcome lockAccepted(
      String commandId, CommandType type, LockState lock, Long token, String message, Instant at) {
    return lock(
        commandId,
        type,
        lock,
        OutcomeStatus.ACCEPTED,
        OutcomeCode.OK,
        message,
        token,
        null,
        null,
        at);
  }

  /**
   * A lock command or request refused (or ended) for {@code code}; {@code lock} as it is.
   *
   * @param commandId the command answered
   * @param type the command's type
   * @param lock the lock as it is
   * @param code why
   * @param message the detail
   * @param at when the topology decided
   * @return the outcome
   */
  public static Outcome lockRejected(
      String commandId,
      CommandType type,
      LockState lock,
      OutcomeCode code,
      String message,
      Instant at) {
    return lock(commandId, type, lock, OutcomeStatus.REJECTED, code, message, null, null, null, at);
  }

  private static Outcome lock(
      String commandId,
      CommandType type,
      LockState lock,
      OutcomeStatus status,
      OutcomeCode code,
      String message,
      Long token,
      Integer position,
      Instant leaseDeadline,
      Instant at) {
    return new Outcome(
        commandId,
        type,
        lock.key(),
        status,
        code,
        message,
        lock.version(),
        token,
        position,
        lock.holders().stream().map(LockState.Holder::agent).toList(),
        leaseDeadline,
        Json.mapper().valueToTree(lock),
        null,
        at);
  }
}
