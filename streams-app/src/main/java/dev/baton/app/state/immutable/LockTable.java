package dev.baton.app.state.immutable;

import dev.baton.sdk.protocol.LockState;

/** Read-only view of the {@code locks} store, for command handlers. */
public interface LockTable {
  /** The lock under aggregate key {@code key}, or null when no request ever named it. */
  LockState get(String key);
}
