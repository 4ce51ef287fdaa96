package dev.baton.sdk.protocol;

/**
 * A fencing token a writer presents with a task write: the token of its grant on {@code resource}
 * (the task's own lock, {@code task/<id>}). The write is rejected ({@link OutcomeCode#FENCED})
 * unless that grant is still alive and the writer's: a released or expired token is stale, and for
 * an exclusive lock only the newest token can be alive.
 */
public record Fence(String resource, long token) {}
