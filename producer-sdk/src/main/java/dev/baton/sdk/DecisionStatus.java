package dev.baton.sdk;

/** Whether a recorded decision still stands, as the decision reads report it. */
public enum DecisionStatus {
  /** No later decision names it in {@code supersedes}. */
  ACTIVE,
  /** A later decision replaces it ({@link RecordedDecision#supersededBy()}). */
  SUPERSEDED
}
