package dev.baton.app.state.appliers;

import dev.baton.app.state.mutable.MutableLockTable;
import dev.baton.sdk.protocol.EventPayload;
import dev.baton.sdk.protocol.EventPayload.LockChanged;

/**
 * Every {@code lock.*} event: stores the lock after the change, which also moves its lease and wait
 * deadlines ({@link MutableLockTable#put}).
 */
final class LockChangedApplier implements EventApplier {
  private final MutableLockTable locks;

  LockChangedApplier(MutableLockTable locks) {
    this.locks = locks;
  }

  @Override
  public void apply(String key, EventPayload payload) {
    locks.put(key, ((LockChanged) payload).lock());
  }
}
