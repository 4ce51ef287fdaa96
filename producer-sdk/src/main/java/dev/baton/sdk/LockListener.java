package dev.baton.sdk;

/**
 * Told when the client loses a lock it held, so the agent stops writing under it. Runs on the
 * client's callback executor; an exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface LockListener {
  /**
   * The lease of {@code grant} was refused renewal ({@code EXPIRED}, {@code NOT_HOLDER}), or no
   * renewal was confirmed before the lease ran out by the client's clock (the server unreachable or
   * stopped): then it fires at that local deadline, at most one lease after the last confirmed
   * renewal was sent, so not later than the server's own expiry (a grant that waited in the queue
   * is renewed at once, so that this holds for it too after one round trip).
   *
   * @param grant the lost grant
   * @param reason why, e.g. {@code EXPIRED: ...} or {@code no renewal confirmed before the lease
   *     ran out}
   */
  void onLost(LockGrant grant, String reason);
}
