package dev.baton.sdk;

import dev.baton.sdk.protocol.Decision;

/**
 * A decision as {@link DecisionOperations#get(int)} and {@link DecisionOperations#list} read it:
 * the decision as recorded and whether it still stands.
 *
 * @param decision the decision as recorded (number, title, texts, supersedes, task, agent, time)
 * @param status {@code ACTIVE}, or {@code SUPERSEDED} once a later decision names it
 * @param supersededBy the number of the first later decision that supersedes it, or null
 */
public record RecordedDecision(Decision decision, DecisionStatus status, Integer supersededBy) {}
