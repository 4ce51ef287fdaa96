package dev.baton.sdk.protocol;

/**
 * A fencing token a writer presents with a task write: the token of its grant on {@code
 * resource}. A write whose token is older than the resource's newest grant is rejected ({@link
 * OutcomeCode#FENCED}).
 */
public record Fence(String resource, long token) {}
