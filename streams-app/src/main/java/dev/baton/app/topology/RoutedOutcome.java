package dev.baton.app.topology;

import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.ReplyTo;

/**
 * An outcome on its way to {@code baton.outcomes} with its routing: the partition the issuing
 * client reads, or none (then the outcome is partitioned by command id).
 */
public record RoutedOutcome(Outcome outcome, ReplyTo replyTo) {}
