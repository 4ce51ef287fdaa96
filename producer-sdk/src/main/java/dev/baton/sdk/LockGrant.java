package dev.baton.sdk;

import dev.baton.sdk.protocol.Fence;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A granted lock, renewed by the client at a third of its lease until it is released, lost or the
 * client closes. Present {@link #fence()} with task writes so that a write made after the lock was
 * lost is rejected ({@code FENCED}) instead of trampling the next holder's work.
 *
 * <p>The lock belongs to the agent, not to this handle or a thread: one agent is one holder across
 * all its threads and clients, so another thread of the same agent acquiring the same resource gets
 * the same hold back, and a release from any of them ends it.
 *
 * <pre>{@code
 * try (LockGrant grant = baton.locks().acquire(LockRequest.of("src/App.java", LockMode.EXCLUSIVE)
 *         .withWait(Duration.ofSeconds(30))).get()) {
 *   grant.onLost((g, reason) -> stopWriting());
 *   ... // writes fenced with grant.fence()
 * } // released here
 * }</pre>
 */
public interface LockGrant extends AutoCloseable {

  /**
   * The locked resource, e.g. {@code task/T1} or {@code src/App.java}.
   *
   * @return e.g. {@code task/T1} or {@code src/App.java}
   */
  String resource();

  /**
   * The lock's aggregate key, {@code <workspace>/lock/<resource>}.
   *
   * @return {@code <workspace>/lock/<resource>}
   */
  String key();

  /**
   * The mode granted.
   *
   * @return {@code EXCLUSIVE} or {@code COLLABORATIVE}
   */
  LockMode mode();

  /**
   * The fencing token of this grant, greater than that of every earlier grant of the resource.
   *
   * @return the token
   */
  long token();

  /**
   * The token to present with task writes made under this lock.
   *
   * @return the resource and token, as {@link WriteOptions#withFence} takes them
   */
  default Fence fence() {
    return new Fence(resource(), token());
  }

  /**
   * When the lease runs out on the server unless renewed, as of the last confirmed grant or renewal
   * (server clock).
   *
   * @return the server's lease deadline
   */
  Instant leaseDeadline();

  /**
   * Whether the client still holds the lock: false once it is released, the client closed, or the
   * lock was lost (a renewal refused, or no renewal confirmed before the lease ran out by the
   * client's own clock).
   *
   * @return whether the lock is still held
   */
  boolean isHeld();

  /**
   * Also tells {@code listener} when this grant is lost (see {@link LockListener}); at once, on the
   * callback executor, when it is lost already. Returns this grant.
   *
   * @param listener told once, if the grant is lost
   * @return this grant
   */
  LockGrant onLost(LockListener listener);

  /**
   * Releases the lock and stops renewing it; the future completes with the release's outcome.
   *
   * @return the release's outcome; null when the grant was no longer held
   */
  CompletableFuture<Outcome> release();

  /**
   * Releases the lock, waiting up to 5 s for the answer. Does nothing when the lock is no longer
   * held. Never throws: a release that fails is logged, and the lease runs out on its own.
   */
  @Override
  void close();
}
