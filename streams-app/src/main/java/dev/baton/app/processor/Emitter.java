package dev.baton.app.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.ReplyTo;
import java.time.Instant;

/**
 * Where handlers put what a command produced: outcomes for the client, events for the log. The
 * processor implements it over the Streams context; tests can collect instead.
 */
public interface Emitter {

  /** Sends {@code outcome} to the client, on its reply partition when it has one. */
  void outcome(Outcome outcome, ReplyTo replyTo);

  /** Appends one event to {@code baton.events}, keyed by {@code event.key()}. */
  void event(Event event);

  /** The wall-clock time the current command or punctuation is processed at. */
  Instant now();

  /** Convenience: an event caused by a command; ids are {@code <commandId>:<n>} in order. */
  default void event(
      EventType type, String key, Long version, String agent, String commandId, JsonNode data) {
    event(
        new Event(
            nextEventId(commandId, key, version, type),
            type,
            key,
            version,
            agent,
            commandId,
            now(),
            data));
  }

  /** An event with an explicit id (for events a punctuation raises on a command's behalf). */
  default void event(
      String id,
      EventType type,
      String key,
      Long version,
      String agent,
      String commandId,
      JsonNode data) {
    event(new Event(id, type, key, version, agent, commandId, now(), data));
  }

  /**
   * Makes {@code outcome} the answer to retries of its command id, replacing the first one (a
   * queued lock request that was later granted, expired or cancelled).
   */
  void remember(Outcome outcome);

  /** The id of the next event; unique per command, or per key and version without a command. */
  String nextEventId(String commandId, String key, Long version, EventType type);
}
