package dev.baton.sdk;

import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Locks on tasks ({@code task/<id>}) and anything else (file paths, branches). Granted locks are
 * renewed automatically at a third of their lease until released, lost or the client closes;
 * closing the client releases what it holds.
 */
public interface LockOperations {

  /**
   * Asks for the lock and completes when it is granted (not when queued), or fails with {@link
   * BatonRejectedException}: {@code LOCKED} (wait 0 and held), {@code EXPIRED} (the wait ran out),
   * {@code CANCELLED}. {@code onQueued} sees the queue position while waiting.
   */
  CompletableFuture<LockGrant> acquire(
      String resource, LockMode mode, Duration lease, Duration wait, Consumer<Outcome> onQueued);

  default CompletableFuture<LockGrant> acquire(
      String resource, LockMode mode, Duration lease, Duration wait) {
    return acquire(resource, mode, lease, wait, outcome -> {});
  }

  /** Acquire without waiting: fails with {@code LOCKED} when the lock is taken. */
  default CompletableFuture<LockGrant> tryAcquire(String resource, LockMode mode, Duration lease) {
    return acquire(resource, mode, lease, Duration.ZERO);
  }

  /** Renews now (the client also renews on its own). */
  CompletableFuture<Outcome> renew(String resource);

  CompletableFuture<Outcome> release(String resource);

  /** Leaves the queue of {@code resource}. */
  CompletableFuture<Outcome> cancel(String resource);

  void addListener(LockListener listener);
}
