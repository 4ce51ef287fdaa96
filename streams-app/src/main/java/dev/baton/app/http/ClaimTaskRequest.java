package dev.baton.app.http;

/** Optional body of {@code POST /v1/tasks/{workspace}/{id}/claim}. */
public record ClaimTaskRequest(Long expectedVersion) {}
