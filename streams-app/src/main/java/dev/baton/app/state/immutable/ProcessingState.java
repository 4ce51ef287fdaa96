package dev.baton.app.state.immutable;

/**
 * Everything a command handler may read, and nothing it could write: handlers decide from these
 * views, and only the event appliers change the stores behind them (through {@code state.mutable}).
 */
public interface ProcessingState {
  TaskState tasks();

  LockTable locks();

  DecisionHeads decisionHeads();
}
