package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.sdk.protocol.TaskStatus;

/**
 * Body of {@code POST /v1/tasks/{workspace}/{id}/transition}; {@code to} is required, the guards
 * ({@link TaskWriteGuards}) optional.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransitionTaskRequest(
    TaskStatus to, Long expectedVersion, String reason, Long fenceToken, Boolean release) {
  /** The request for a move to {@code to}, with an optional reason, under {@code guards}. */
  public static TransitionTaskRequest of(TaskStatus to, String reason, TaskWriteGuards guards) {
    return new TransitionTaskRequest(
        to, guards.expectedVersion(), reason, guards.fenceToken(), guards.releaseOrNull());
  }

  TaskWriteGuards guards() {
    return TaskWriteGuards.of(expectedVersion, fenceToken, release);
  }
}
