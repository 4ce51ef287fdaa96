package dev.baton.app.state.appliers;

import dev.baton.app.state.mutable.MutableTaskState;
import dev.baton.sdk.protocol.EventPayload;
import dev.baton.sdk.protocol.EventPayload.TaskChanged;

/**
 * {@code task.created}, {@code task.updated}, {@code task.claimed}, {@code task.status_changed}.
 */
final class TaskChangedApplier implements EventApplier {
  private final MutableTaskState tasks;

  TaskChangedApplier(MutableTaskState tasks) {
    this.tasks = tasks;
  }

  @Override
  public void apply(String key, EventPayload payload) {
    tasks.put(key, ((TaskChanged) payload).task());
  }
}
