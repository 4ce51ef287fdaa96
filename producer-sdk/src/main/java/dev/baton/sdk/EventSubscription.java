package dev.baton.sdk;

/** A running {@link EventOperations#subscribe subscription}; close it to stop. */
public interface EventSubscription extends AutoCloseable {
  /** The position after the last event delivered (or skipped by the filter): resume here. */
  String cursor();

  /** Whether it still delivers (false once closed or expired). */
  boolean running();

  /** Stops delivering and releases its consumer; waits for a running listener call to return. */
  @Override
  void close();
}
