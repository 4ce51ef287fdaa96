package dev.baton.sdk;

import dev.baton.sdk.protocol.Outcome;
import java.util.concurrent.CompletableFuture;

/**
 * Decisions. {@link #record} completes with the {@code ACCEPTED} outcome whose {@code version} is
 * the decision's number in the workspace and whose {@code state} is the recorded decision.
 */
public interface DecisionOperations {
  CompletableFuture<Outcome> record(NewDecision decision);
}
