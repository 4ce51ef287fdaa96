package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Optional body of {@code POST /v1/tasks/{workspace}/{id}/claim}: its guards only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimTaskRequest(Long expectedVersion, Long fenceToken, Boolean release) {
  /** The request for a claim under {@code guards}. */
  public static ClaimTaskRequest of(TaskWriteGuards guards) {
    return new ClaimTaskRequest(
        guards.expectedVersion(), guards.fenceToken(), guards.releaseOrNull());
  }

  TaskWriteGuards guards() {
    return TaskWriteGuards.of(expectedVersion, fenceToken, release);
  }
}
