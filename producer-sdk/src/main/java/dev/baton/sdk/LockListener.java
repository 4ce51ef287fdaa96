package dev.baton.sdk;

/** Told when the client loses a lock it held, so the agent stops writing under it. */
@FunctionalInterface
public interface LockListener {
  /**
   * The lease of {@code grant} could not be renewed ({@code EXPIRED}, {@code NOT_HOLDER}) or the
   * client could not reach Baton before the lease ran out.
   */
  void onLost(LockGrant grant, String reason);
}
