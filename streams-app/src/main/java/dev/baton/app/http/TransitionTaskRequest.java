package dev.baton.app.http;

import dev.baton.sdk.protocol.TaskStatus;

/**
 * Body of {@code POST /v1/tasks/{workspace}/{id}/transition}; {@code to} is required, the guards
 * ({@link TaskWriteGuards}) optional.
 */
public record TransitionTaskRequest(
    TaskStatus to, Long expectedVersion, String reason, Long fenceToken, Boolean release) {
  TaskWriteGuards guards() {
    return TaskWriteGuards.of(expectedVersion, fenceToken, release);
  }
}
