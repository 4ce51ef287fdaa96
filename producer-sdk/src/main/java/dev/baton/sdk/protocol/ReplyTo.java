package dev.baton.sdk.protocol;

/**
 * Where the topology writes a command's outcomes: a partition of {@code baton.outcomes} that the
 * issuing client reads alone, so no client reads every outcome.
 */
public record ReplyTo(int partition) {}
