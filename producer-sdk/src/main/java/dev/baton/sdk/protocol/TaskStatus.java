package dev.baton.sdk.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * Task life cycle. The allowed moves:
 *
 * <pre>
 * OPEN        -> CLAIMED, IN_PROGRESS, BLOCKED, CANCELLED
 * CLAIMED     -> OPEN, IN_PROGRESS, BLOCKED, CANCELLED
 * IN_PROGRESS -> OPEN, BLOCKED, REVIEW, DONE, FAILED, CANCELLED
 * BLOCKED     -> OPEN, IN_PROGRESS, CANCELLED
 * REVIEW      -> IN_PROGRESS, DONE, FAILED
 * DONE        -> OPEN (reopen)
 * FAILED      -> OPEN (retry)
 * CANCELLED   -> (terminal)
 * </pre>
 */
public enum TaskStatus {
  /** Waiting for someone to take it. */
  OPEN,
  /** Assigned to an agent, not started. */
  CLAIMED,
  /** Being worked on. */
  IN_PROGRESS,
  /** Waiting on something outside the task. */
  BLOCKED,
  /** Done, waiting for review. */
  REVIEW,
  /** Finished. */
  DONE,
  /** Gave up; may be retried (reopened). */
  FAILED,
  /** Abandoned; terminal. */
  CANCELLED;

  /**
   * The statuses this one may move to.
   *
   * @return the allowed targets (empty for {@code CANCELLED})
   */
  public Set<TaskStatus> next() {
    return switch (this) {
      case OPEN -> EnumSet.of(CLAIMED, IN_PROGRESS, BLOCKED, CANCELLED);
      case CLAIMED -> EnumSet.of(OPEN, IN_PROGRESS, BLOCKED, CANCELLED);
      case IN_PROGRESS -> EnumSet.of(OPEN, BLOCKED, REVIEW, DONE, FAILED, CANCELLED);
      case BLOCKED -> EnumSet.of(OPEN, IN_PROGRESS, CANCELLED);
      case REVIEW -> EnumSet.of(IN_PROGRESS, DONE, FAILED);
      case DONE, FAILED -> EnumSet.of(OPEN);
      case CANCELLED -> EnumSet.noneOf(TaskStatus.class);
    };
  }

  /**
   * Whether the state machine allows the move.
   *
   * @param target the status to move to
   * @return whether {@code target} is in {@link #next()}
   */
  public boolean canMoveTo(TaskStatus target) {
    return next().contains(target);
  }
}
