package dev.baton.sdk;

import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@link LockOperations#acquire(LockRequest)} asks for.
 *
 * @param resource what to lock: {@code task/<id>}, a file path, a branch name
 * @param mode {@code EXCLUSIVE} or {@code COLLABORATIVE}
 * @param lease how long the lock lasts without a renewal; null for the server's default
 * @param maxWait how long to wait in the queue; zero fails at once with {@code LOCKED} when taken
 * @param onQueued sees each {@code QUEUED} outcome (the queue position) while waiting; runs on the
 *     callback executor
 * @param onLost told if this grant is lost after it was granted, besides the listeners added with
 *     {@link LockOperations#addListener}; null for none
 * @param commandId the acquire's command id, to retry an unanswered acquire idempotently (the retry
 *     joins the first send while this client still waits for it; otherwise, from this or a new
 *     client, it is answered with the request's newest outcome: its position now while it waits,
 *     then its grant or end); null for a fresh one
 */
public record LockRequest(
    String resource,
    LockMode mode,
    Duration lease,
    Duration maxWait,
    Consumer<Outcome> onQueued,
    LockListener onLost,
    String commandId) {

  /**
   * Checks the required fields; a null wait is zero, a null {@code onQueued} ignores progress.
   *
   * @param resource what to lock
   * @param mode {@code EXCLUSIVE} or {@code COLLABORATIVE}
   * @param lease the lease, or null
   * @param maxWait the wait, or null
   * @param onQueued the progress callback, or null
   * @param onLost the loss listener, or null
   * @param commandId the command id, or null
   */
  public LockRequest {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(mode, "mode");
    maxWait = maxWait == null ? Duration.ZERO : maxWait;
    onQueued = onQueued == null ? outcome -> {} : onQueued;
  }

  /**
   * A request that does not wait, with the server's default lease.
   *
   * @param resource what to lock
   * @param mode {@code EXCLUSIVE} or {@code COLLABORATIVE}
   * @return the request
   */
  public static LockRequest of(String resource, LockMode mode) {
    return new LockRequest(resource, mode, null, Duration.ZERO, null, null, null);
  }

  /**
   * This request with another lease.
   *
   * @param lease the lease; null for the server's default
   * @return this request with {@code lease}
   */
  public LockRequest withLease(Duration lease) {
    return new LockRequest(resource, mode, lease, maxWait, onQueued, onLost, commandId);
  }

  /**
   * This request with another wait.
   *
   * @param wait how long to wait in the queue; zero or null for not at all
   * @return this request with {@code wait}
   */
  public LockRequest withWait(Duration wait) {
    return new LockRequest(resource, mode, lease, wait, onQueued, onLost, commandId);
  }

  /**
   * This request with a progress callback.
   *
   * @param onQueued sees each {@code QUEUED} outcome while waiting
   * @return this request with {@code onQueued}
   */
  public LockRequest onQueued(Consumer<Outcome> onQueued) {
    return new LockRequest(resource, mode, lease, maxWait, onQueued, onLost, commandId);
  }

  /**
   * This request with a loss listener for its grant.
   *
   * @param onLost told if the grant is lost
   * @return this request with {@code onLost}
   */
  public LockRequest onLost(LockListener onLost) {
    return new LockRequest(resource, mode, lease, maxWait, onQueued, onLost, commandId);
  }

  /**
   * This request with a command id.
   *
   * @param commandId the command id to send, and to reuse on a retry
   * @return this request with {@code commandId}
   */
  public LockRequest withCommandId(String commandId) {
    return new LockRequest(resource, mode, lease, maxWait, onQueued, onLost, commandId);
  }
}
