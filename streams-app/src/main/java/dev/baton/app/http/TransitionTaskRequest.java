package dev.baton.app.http;

import dev.baton.sdk.protocol.TaskStatus;

/** Body of {@code POST /v1/tasks/{workspace}/{id}/transition}; {@code to} is required. */
public record TransitionTaskRequest(TaskStatus to, Long expectedVersion, String reason) {}
