package dev.baton.sdk;

import dev.baton.sdk.protocol.Outcome;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Decisions. {@link #record} completes with the {@code ACCEPTED} outcome whose {@code version} is
 * the decision's number in the workspace and whose {@code state} is the recorded decision. The
 * reads go through the HTTP API ({@link BatonClient.Builder#httpServer}), which answers from its
 * SQL projection: they trail the log by the projection's lag, and a node without a projection
 * answers with a retriable {@link BatonException} (503).
 */
public interface DecisionOperations {
  /**
   * Reads one decision of this client's workspace ({@code GET /v1/decisions/{workspace}/{number}}).
   *
   * @param number the decision's number (1, 2, ...)
   * @return the decision and whether it stands, or empty when the workspace has no such number
   */
  CompletableFuture<Optional<RecordedDecision>> get(int number);

  /**
   * Lists decisions of this client's workspace, newest first, a page at a time ({@code GET
   * /v1/decisions/{workspace}}).
   *
   * @param query which decisions, and which page; null for {@link DecisionQuery#all()}
   * @return the page
   */
  CompletableFuture<DecisionPage> list(DecisionQuery query);

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
