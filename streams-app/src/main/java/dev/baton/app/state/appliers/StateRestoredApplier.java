package dev.baton.app.state.appliers;

import dev.baton.app.state.mutable.MutableProcessingState;
import dev.baton.sdk.protocol.EventPayload;
import dev.baton.sdk.protocol.EventPayload.LockRestored;
import dev.baton.sdk.protocol.EventPayload.TaskRestored;

/**
 * {@code state.restored}: puts the restored task or lock in place. A restored lock has no holders
 * and no queue, so storing it also drops every lease and wait entry of the lock it replaces.
 */
final class StateRestoredApplier implements EventApplier {
  private final MutableProcessingState state;

  StateRestoredApplier(MutableProcessingState state) {
    this.state = state;
  }

  @Override
  public void apply(String key, EventPayload payload) {
    if (payload instanceof TaskRestored task) {
      state.tasks().put(key, task.state());
    } else {
      state.locks().put(key, ((LockRestored) payload).state());
    }
  }
}
