package dev.baton.sdk;

import java.util.List;

/**
 * One page of {@link DecisionOperations#list(DecisionQuery)}.
 *
 * @param decisions the decisions, newest (highest number) first
 * @param next the {@link DecisionQuery#before(long)} of the next page; null when nothing follows
 */
public record DecisionPage(List<RecordedDecision> decisions, Long next) {
  /**
   * Copies the list.
   *
   * @param decisions the decisions, newest first
   * @param next the next page's {@code before}, or null
   */
  public DecisionPage {
    decisions = List.copyOf(decisions);
  }
}
