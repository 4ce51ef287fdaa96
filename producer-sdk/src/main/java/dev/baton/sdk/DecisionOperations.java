package dev.baton.sdk;

import dev.baton.sdk.protocol.Outcome;
import java.util.concurrent.CompletableFuture;

/**
 * Decisions. {@link #record} completes with the {@code ACCEPTED} outcome whose {@code version} is
 * the decision's number in the workspace and whose {@code state} is the recorded decision.
 */
public interface DecisionOperations {
  /**
   * Records a decision with a fresh command id.
   *
   * @param decision the decision
   * @return the accepted outcome
   */
  default CompletableFuture<Outcome> record(NewDecision decision) {
    return record(decision, WriteOptions.NONE);
  }

  /**
   * Records a decision; of {@code options} only {@link WriteOptions#commandId()} applies (retry an
   * unanswered record with the same id and it is recorded once).
   *
   * @param decision the decision
   * @param options the command id, or null
   * @return the accepted outcome
   */
  CompletableFuture<Outcome> record(NewDecision decision, WriteOptions options);
}
