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
  OPEN,
  CLAIMED,
  IN_PROGRESS,
  BLOCKED,
  REVIEW,
  DONE,
  FAILED,
  CANCELLED;

  /** The statuses this one may move to. */
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

  public boolean canMoveTo(TaskStatus target) {
    return next().contains(target);
  }
}
