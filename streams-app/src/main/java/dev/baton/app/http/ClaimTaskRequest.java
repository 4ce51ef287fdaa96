package dev.baton.app.http;

/** Optional body of {@code POST /v1/tasks/{workspace}/{id}/claim}: its guards only. */
public record ClaimTaskRequest(Long expectedVersion, Long fenceToken, Boolean release) {
  TaskWriteGuards guards() {
    return TaskWriteGuards.of(expectedVersion, fenceToken, release);
  }
}
