package dev.baton.sdk;

import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Locks on tasks ({@code task/<id>}) and anything else (file paths, branches). Granted locks are
 * renewed automatically at a third of their lease until released, lost or the client closes;
 * closing the client releases what it holds and cancels what it still waits for.
 *
 * <p>The server knows holders by agent: one agent is one holder across all its threads (and across
 * its clients and views), so two threads of one agent do not exclude each other. Give agents that
 * must exclude each other different names.
 *
 * <p>Every command takes an optional command id: retrying an unanswered command with the same id is
 * answered with the first outcome and changes nothing twice.
 */
public interface LockOperations {

  /**
   * Asks for the lock and completes when it is granted (not when queued), or fails with {@link
   * BatonRejectedException}: {@code LOCKED} (wait 0 and held), {@code EXPIRED} (the wait ran out),
   * {@code CANCELLED}. Cancelling the returned future while the request waits sends {@code
   * lock.cancel}, so the request leaves the queue; a grant that arrives anyway is released.
   *
   * @param request what to lock, how and how long to wait
   * @return the grant
   */
  CompletableFuture<LockGrant> acquire(LockRequest request);

  /**
   * {@link #acquire(LockRequest)}; {@code onQueued} sees the queue position while waiting.
   *
   * @param resource what to lock
   * @param mode {@code EXCLUSIVE} or {@code COLLABORATIVE}
   * @param lease the lease; null for the server's default
   * @param wait how long to wait in the queue
   * @param onQueued sees the queue position while waiting
   * @return the grant
   */
  default CompletableFuture<LockGrant> acquire(
      String resource, LockMode mode, Duration lease, Duration wait, Consumer<Outcome> onQueued) {
    return acquire(
        LockRequest.of(resource, mode).withLease(lease).withWait(wait).onQueued(onQueued));
  }

  /**
   * {@link #acquire(LockRequest)} without progress callbacks.
   *
   * @param resource what to lock
   * @param mode {@code EXCLUSIVE} or {@code COLLABORATIVE}
   * @param lease the lease; null for the server's default
   * @param wait how long to wait in the queue
   * @return the grant
   */
  default CompletableFuture<LockGrant> acquire(
      String resource, LockMode mode, Duration lease, Duration wait) {
    return acquire(LockRequest.of(resource, mode).withLease(lease).withWait(wait));
  }

  /**
   * Acquire without waiting: fails with {@code LOCKED} when the lock is taken.
   *
   * @param resource what to lock
   * @param mode {@code EXCLUSIVE} or {@code COLLABORATIVE}
   * @param lease the lease; null for the server's default
   * @return the grant
   */
  default CompletableFuture<LockGrant> tryAcquire(String resource, LockMode mode, Duration lease) {
    return acquire(resource, mode, lease, Duration.ZERO);
  }

  /**
   * Renews now (the client also renews on its own).
   *
   * @param resource the held lock
   * @return the renewal's outcome, with the new {@code leaseDeadline}
   */
  default CompletableFuture<Outcome> renew(String resource) {
    return renew(resource, null);
  }

  /**
   * Renews now, with a command id for retries (null for a fresh one).
   *
   * @param resource the held lock
   * @param commandId the command id; null for a fresh one
   * @return the renewal's outcome
   */
  CompletableFuture<Outcome> renew(String resource, String commandId);

  /**
   * Releases the lock on {@code resource} and stops renewing it.
   *
   * @param resource the held lock
   * @return the release's outcome
   */
  default CompletableFuture<Outcome> release(String resource) {
    return release(resource, null);
  }

  /**
   * Releases, with a command id for retries (null for a fresh one).
   *
   * @param resource the held lock
   * @param commandId the command id; null for a fresh one
   * @return the release's outcome
   */
  CompletableFuture<Outcome> release(String resource, String commandId);

  /**
   * Leaves the queue of {@code resource}.
   *
   * @param resource the lock waited for
   * @return the cancel's outcome
   */
  default CompletableFuture<Outcome> cancel(String resource) {
    return cancel(resource, null);
  }

  /**
   * Leaves the queue, with a command id for retries (null for a fresh one).
   *
   * @param resource the lock waited for
   * @param commandId the command id; null for a fresh one
   * @return the cancel's outcome
   */
  CompletableFuture<Outcome> cancel(String resource, String commandId);

  /**
   * Reads the lock's holders and queue through the HTTP API ({@link
   * BatonClient.Builder#httpServer}).
   *
   * @param resource the lock's resource in this client's workspace
   * @return its status, or empty when no request ever named it
   */
  CompletableFuture<Optional<LockStatus>> status(String resource);

  /**
   * Told about every grant of this client (or view) that is lost.
   *
   * @param listener told once per lost grant
   */
  void addListener(LockListener listener);
}
