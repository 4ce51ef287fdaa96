package dev.baton.app.check;

import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.LockState.Holder;
import dev.baton.sdk.protocol.LockState.Waiter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-driven lock for synthetic histories: mutate holders and queue freely (also into states the
 * topology must never reach), then {@link #emit} an event carrying the state, with the next lock
 * version.
 */
final class SyntheticLock {
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final long LEASE_MS = 1_000;

  final String key;
  final List<Holder> holders = new ArrayList<>();
  final List<Waiter> queue = new ArrayList<>();
  long lastToken;
  long version;
  Instant now = T0;

  SyntheticLock(String key) {
    this.key = key;
  }

  SyntheticLock at(Instant instant) {
    now = instant;
    return this;
  }

  SyntheticLock after(long millis) {
    now = now.plusMillis(millis);
    return this;
  }

  /** Adds a holder with the next token. */
  SyntheticLock hold(String agent, String requestId, LockMode mode) {
    return holdWithToken(agent, requestId, mode, ++lastToken);
  }

  /** Adds a holder with a token of the caller's choice (lastToken follows if it is higher). */
  SyntheticLock holdWithToken(String agent, String requestId, LockMode mode, long token) {
    holders.add(new Holder(agent, requestId, mode, token, LEASE_MS, now, now.plusMillis(LEASE_MS)));
    lastToken = Math.max(lastToken, token);
    return this;
  }

  SyntheticLock enqueue(String agent, String requestId, LockMode mode) {
    queue.add(
        new Waiter(agent, requestId, mode, LEASE_MS, now, now.plus(Duration.ofMinutes(1)), null));
    return this;
  }

  SyntheticLock drop(String agent) {
    holders.removeIf(h -> h.agent().equals(agent));
    return this;
  }

  SyntheticLock unqueue(String requestId) {
    queue.removeIf(w -> w.requestId().equals(requestId));
    return this;
  }

  /** Moves the waiter {@code requestId} from the queue to the holders. */
  SyntheticLock promote(String requestId) {
    Waiter w =
        queue.stream().filter(q -> q.requestId().equals(requestId)).findFirst().orElseThrow();
    queue.remove(w);
    return hold(w.agent(), w.requestId(), w.mode());
  }

  /** An event of {@code type} for {@code commandId} carrying the state now, at the next version. */
  Event emit(EventType type, String agent, String commandId) {
    version++;
    LockState state =
        new LockState(
            key.substring(key.indexOf("/lock/") + 6),
            "default",
            key,
            List.copyOf(holders),
            List.copyOf(queue),
            lastToken,
            version,
            now,
            List.of());
    return new Event(
        commandId + ":" + type.wire() + ":" + version,
        type,
        key,
        version,
        agent,
        commandId,
        now,
        Json.mapper().valueToTree(state));
  }

  // The usual steps, each one event.

  Event acquire(String agent, String requestId, LockMode mode) {
    return hold(agent, requestId, mode).emit(EventType.LOCK_GRANTED, agent, requestId);
  }

  Event waitFor(String agent, String requestId, LockMode mode) {
    return enqueue(agent, requestId, mode).emit(EventType.LOCK_QUEUED, agent, requestId);
  }

  Event release(String agent, String commandId) {
    return drop(agent).emit(EventType.LOCK_RELEASED, agent, commandId);
  }

  Event grantWaiting(String requestId) {
    Waiter w =
        queue.stream().filter(q -> q.requestId().equals(requestId)).findFirst().orElseThrow();
    return promote(requestId).emit(EventType.LOCK_GRANTED, w.agent(), requestId);
  }
}
