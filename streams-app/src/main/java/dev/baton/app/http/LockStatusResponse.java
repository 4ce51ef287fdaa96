package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Answer of {@code GET /v1/locks/{workspace}?resource=}: who holds the lock, who waits for it in
 * which order, and its counters. Internal routing (reply partitions, recently expired grants) is
 * left out.
 *
 * @param mode the holders' mode; absent when the lock is free
 * @param holders current grants (all {@code COLLABORATIVE}, or one {@code EXCLUSIVE})
 * @param queue waiting requests in FIFO order, {@code position} 1 first
 * @param lastToken the newest fencing token granted; the next grant gets a higher one
 * @param version the lock's version, bumped on every change
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LockStatusResponse(
    String resource,
    String workspace,
    String key,
    LockMode mode,
    List<Holder> holders,
    List<Waiter> queue,
    long lastToken,
    long version,
    Instant updatedAt) {

  /** One grant; {@code requestId} is the id of the acquire command that obtained it. */
  public record Holder(
      String agent,
      LockMode mode,
      long token,
      Instant leaseDeadline,
      Instant grantedAt,
      String requestId) {}

  /** One waiting request; {@code requestId} is the id of its acquire command. */
  public record Waiter(
      String agent,
      LockMode mode,
      int position,
      Instant waitDeadline,
      Instant enqueuedAt,
      String requestId) {}

  static LockStatusResponse of(LockState lock) {
    List<Holder> holders = new ArrayList<>();
    for (LockState.Holder h : lock.holders()) {
      holders.add(
          new Holder(
              h.agent(), h.mode(), h.token(), h.leaseDeadline(), h.grantedAt(), h.requestId()));
    }
    List<Waiter> queue = new ArrayList<>();
    for (LockState.Waiter w : lock.queue()) {
      queue.add(
          new Waiter(
              w.agent(),
              w.mode(),
              queue.size() + 1,
              w.waitDeadline(),
              w.enqueuedAt(),
              w.requestId()));
    }
    return new LockStatusResponse(
        lock.resource(),
        lock.workspace(),
        lock.key(),
        lock.mode(),
        List.copyOf(holders),
        List.copyOf(queue),
        lock.lastToken(),
        lock.version(),
        lock.updatedAt());
  }
}
