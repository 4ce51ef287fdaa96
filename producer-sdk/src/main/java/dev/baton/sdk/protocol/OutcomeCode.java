package dev.baton.sdk.protocol;

/**
 * Machine-readable reason carried by every outcome. {@link #retriable()} tells a client whether
 * retrying the same intent (after rebasing on the current state) can succeed.
 */
public enum OutcomeCode {
  /** Accepted (or granted, or queued). */
  OK(false),
  /** {@code expectedVersion} is stale and a touched field changed since. Rebase and retry. */
  VERSION_CONFLICT(true),
  /** The target is exclusively locked by another agent, or a try-lock found it held. */
  LOCKED(true),
  /** The fencing token is older than the resource's current grant. */
  FENCED(false),
  /** Only the lock holder may renew or release it. */
  NOT_HOLDER(false),
  /** The task, lock, request or decision named does not exist. */
  NOT_FOUND(false),
  /** The command is malformed or breaks a limit; the message names the field and value. */
  INVALID(false),
  /** A lease or a wait ran out. */
  EXPIRED(true),
  /** {@code task.create} for an id that already exists. */
  ALREADY_EXISTS(false),
  /** {@code task.claim} on a task assigned to another agent. */
  ALREADY_CLAIMED(false),
  /** A status change the task state machine does not allow. */
  INVALID_TRANSITION(false),
  /** A queued lock request was cancelled by its agent. */
  CANCELLED(false),
  /** The server failed on this command; the message says how. Reported, never silent. */
  INTERNAL_ERROR(false);

  private final boolean retriable;

  OutcomeCode(boolean retriable) {
    this.retriable = retriable;
  }

  /**
   * Whether retrying the same intent, after rebasing on the current state, can succeed.
   *
   * @return true for conflicts, locks held and expiries
   */
  public boolean retriable() {
    return retriable;
  }
}
