package dev.baton.sdk;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A lock as {@link LockOperations#status(String)} reads it: who holds it, who waits in which order,
 * and its counters (the body of {@code GET /v1/locks/{workspace}?resource=}).
 *
 * @param resource the resource
 * @param workspace its workspace
 * @param key {@code <workspace>/lock/<resource>}
 * @param mode the holders' mode; null when the lock is free
 * @param holders current grants (all {@code COLLABORATIVE}, or one {@code EXCLUSIVE})
 * @param queue waiting requests in FIFO order, position 1 first
 * @param lastToken the newest fencing token granted; the next grant gets a higher one
 * @param version the lock's version, bumped on every change
 * @param updatedAt when it last changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LockStatus(
    String resource,
    String workspace,
    String key,
    LockMode mode,
    List<Holder> holders,
    List<Waiter> queue,
    long lastToken,
    long version,
    Instant updatedAt) {

  /**
   * One grant.
   *
   * @param agent the holder
   * @param mode its mode
   * @param token its fencing token
   * @param leaseDeadline when its lease runs out unless renewed
   * @param grantedAt when it was granted
   * @param requestId the command id of the acquire that obtained it
   */
  public record Holder(
      String agent,
      LockMode mode,
      long token,
      Instant leaseDeadline,
      Instant grantedAt,
      String requestId) {}

  /**
   * One waiting request.
   *
   * @param agent who waits
   * @param mode the mode asked for
   * @param position 1-based place in the queue
   * @param waitDeadline when the wait runs out
   * @param enqueuedAt when it joined the queue
   * @param requestId the command id of the acquire
   */
  public record Waiter(
      String agent,
      LockMode mode,
      int position,
      Instant waitDeadline,
      Instant enqueuedAt,
      String requestId) {}

  /**
   * The status of {@code lock} as the HTTP API shows it.
   *
   * @param lock the lock as the topology keeps it
   * @return its status, queue positions counted from 1
   */
  public static LockStatus of(LockState lock) {
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
    return new LockStatus(
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
