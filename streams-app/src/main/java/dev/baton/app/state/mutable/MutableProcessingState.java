package dev.baton.app.state.mutable;

import dev.baton.app.state.immutable.ProcessingState;

/** The processing state as the appliers see it: every store, writable. */
public interface MutableProcessingState extends ProcessingState {
  @Override
  MutableTaskState tasks();

  @Override
  MutableLockTable locks();

  @Override
  MutableDecisionHeads decisionHeads();
}
