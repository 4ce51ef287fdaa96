package dev.baton.sdk;

import dev.baton.sdk.protocol.Event;

/**
 * Receives the events of an {@link EventSubscription}, on the client's callback executor ({@link
 * BatonClient.Builder#callbackExecutor}), one call at a time per subscription, never on the thread
 * that polls Kafka. The subscription polls again only after the listener has returned from the
 * previous batch, so a slow listener holds back its own subscription and nothing else.
 */
@FunctionalInterface
public interface EventListener {
  /**
   * One event; {@code cursor} is the position right after it: store it to resume from there. An
   * exception thrown here is logged and the subscription goes on with the next event.
   *
   * @param event the event
   * @param cursor the position right after it
   */
  void onEvent(Event event, String cursor);

  /**
   * The subscription's position is older than the log's retention; the subscription has stopped.
   * Re-read the state you need and subscribe again from {@code oldest} or from now (null).
   *
   * @param oldest the cursor of the oldest retained events, or null when it could not be read
   */
  default void onExpired(String oldest) {}
}
