package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.CommandBodies;
import dev.baton.sdk.protocol.LockMode;
import java.time.Duration;

/**
 * Body of {@code POST /v1/locks/{workspace}/acquire}.
 *
 * @param resource what to lock (a file path, a branch, {@code task/<id>}); required
 * @param mode {@code EXCLUSIVE} or {@code COLLABORATIVE}; required
 * @param leaseMs the lease of the grant; absent for the server's default lease
 * @param waitMs how long the request may wait in the queue; absent or 0 to try once ({@code LOCKED}
 *     when the lock is taken)
 * @param async answer as soon as the request is granted or queued (202 with the position) instead
 *     of holding the HTTP request until the grant or the end of the wait
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AcquireLockRequest(
    String resource, LockMode mode, Long leaseMs, Long waitMs, Boolean async) {

  /**
   * Longest wait the gateway holds a request for; the topology's own limit ({@code
   * baton.lock.max.wait.ms}) applies below it.
   */
  static final long MAX_WAIT_MS = Duration.ofDays(1).toMillis();

  /** This request, checked: a 400 names the first bad field. */
  AcquireLockRequest checked() {
    Requests.resource("resource", resource);
    if (mode == null) {
      throw ApiError.invalid("field 'mode' is required: EXCLUSIVE or COLLABORATIVE");
    }
    checkLease(leaseMs);
    if (waitMs != null && (waitMs < 0 || waitMs > MAX_WAIT_MS)) {
      throw ApiError.invalid(
          "field 'waitMs' must be from 0 to " + MAX_WAIT_MS + " ms, got " + waitMs);
    }
    return this;
  }

  /** A lease, when given, must be positive; the topology checks it against its maximum. */
  static void checkLease(Long leaseMs) {
    if (leaseMs != null && leaseMs <= 0) {
      throw ApiError.invalid("field 'leaseMs' must be > 0, got " + leaseMs);
    }
  }

  /** How long the request may wait in the queue. */
  Duration waitTime() {
    return Duration.ofMillis(waitMs == null ? 0 : waitMs);
  }

  boolean answersEarly() {
    return Boolean.TRUE.equals(async);
  }

  /** The {@code lock.acquire} command body. */
  ObjectNode commandBody() {
    return CommandBodies.tree(
        new CommandBodies.LockAcquire(resource, mode, leaseMs, waitTime().toMillis()));
  }
}
