package dev.baton.app.check;

import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.LockState.Holder;
import java.util.List;

/**
 * One event as the rules see it.
 *
 * @param at the event and its position
 * @param before for a lock event: the lock as the previous lock event of the key left it, or null
 *     when this is the first lock event of the key in the history
 * @param after for a lock event: the lock state the event carries; null for other events
 */
record Step(PositionedEvent at, LockState before, LockState after) {

  Event event() {
    return at.event();
  }

  String key() {
    return at.event().key();
  }

  boolean isLockEvent() {
    return after != null;
  }

  /** Holders in {@code after} that {@code before} did not have: the grants this event made. */
  List<Holder> newHolders() {
    if (after == null) {
      return List.of();
    }
    if (before == null) {
      return after.holders();
    }
    return after.holders().stream()
        .filter(h -> before.holders().stream().noneMatch(b -> b.token() == h.token()))
        .toList();
  }
}
