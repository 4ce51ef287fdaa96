package dev.baton.app.state.mutable;

import dev.baton.app.state.immutable.TaskState;
import dev.baton.sdk.protocol.Task;

/** The {@code tasks} store for appliers. */
public interface MutableTaskState extends TaskState {
  void put(String key, Task task);
}
