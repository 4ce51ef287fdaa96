package dev.baton.app.state.immutable;

import dev.baton.sdk.protocol.Task;

/** Read-only view of the {@code tasks} store, for command handlers. */
public interface TaskState {
  /** The task under aggregate key {@code key}, or null. */
  Task get(String key);
}
