package dev.baton.sdk;

/** A running {@link EventOperations#subscribe subscription}; close it to stop. */
public interface EventSubscription extends AutoCloseable {
  /**
   * The position after the last event delivered (or skipped by the filter): resume here.
   *
   * @return the cursor
   */
  String cursor();

  /**
   * Whether it still delivers (false once closed or expired).
   *
   * @return whether it runs
   */
  boolean running();

  /**
   * Stops delivering and releases its consumer; waits (up to 10 s) for a running listener call to
   * return, unless called from that listener.
   */
  @Override
  void close();
}
