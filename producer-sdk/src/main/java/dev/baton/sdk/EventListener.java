package dev.baton.sdk;

import dev.baton.sdk.protocol.Event;

/** Receives the events of an {@link EventSubscription}, on the subscription's own thread. */
@FunctionalInterface
public interface EventListener {
  /**
   * One event; {@code cursor} is the position right after it: store it to resume from there. An
   * exception thrown here is logged and the subscription goes on with the next event.
   */
  void onEvent(Event event, String cursor);

  /**
   * The subscription's position is older than the log's retention; the subscription has stopped.
   * Re-read the state you need and subscribe again from {@code oldest} or from now (null).
   */
  default void onExpired(String oldest) {}
}
