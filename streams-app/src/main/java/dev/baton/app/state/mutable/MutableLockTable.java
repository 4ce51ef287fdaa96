package dev.baton.app.state.mutable;

import dev.baton.app.state.immutable.LockTable;
import dev.baton.sdk.protocol.LockState;

/**
 * The {@code locks} store for appliers, with the lease and wait entries of the deadline index that
 * belong to it: {@link #put} replaces the entries of the lock it overwrites with those of the new
 * one ({@link dev.baton.app.state.LockDeadlines}), so the index always matches the stored locks.
 */
public interface MutableLockTable extends LockTable {
  void put(String key, LockState lock);
}
