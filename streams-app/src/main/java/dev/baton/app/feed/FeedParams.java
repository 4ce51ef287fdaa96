package dev.baton.app.feed;

import dev.baton.sdk.protocol.EventCursor;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Names;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The parameters every door to the feed shares ({@code GET /v1/events}, the MCP tool {@code
 * events_wait}), read the same way: a malformed cursor, an unknown event type or a bad filter is an
 * {@link InvalidCommandException} naming the parameter, before anything is read.
 */
public final class FeedParams {
  /** Longest wait for a first event, below the usual client timeouts. */
  public static final long MAX_WAIT_MS = 50_000;

  /** Most type names in {@code types} (there are fewer types; repeats count). */
  public static final int MAX_TYPES = 32;

  private FeedParams() {}

  /**
   * A start position: null when {@code text} is null (the caller reads from now), {@link
   * EventCursor#START} for {@value EventCursor#BEGINNING}, else a parsed cursor.
   */
  public static EventCursor cursor(String field, String text) {
    if (text == null) {
      return null;
    }
    if (text.equals(EventCursor.BEGINNING)) {
      return EventCursor.START;
    }
    try {
      return EventCursor.parse(field, text);
    } catch (InvalidCommandException e) {
      throw new InvalidCommandException(
          e.getMessage()
              + "; pass the 'next' of an earlier answer, 'beginning', or nothing (from now)");
    }
  }

  /** Event types by their wire names; each value may hold several, comma-separated. */
  public static Set<EventType> types(String field, List<String> values) {
    Set<EventType> types = EnumSet.noneOf(EventType.class);
    int count = 0;
    for (String value : values) {
      for (String name : value.split(",", -1)) {
        if (++count > MAX_TYPES) {
          throw new InvalidCommandException(
              field + " names more than " + MAX_TYPES + " event types");
        }
        types.add(
            EventType.fromWire(name.trim())
                .orElseThrow(
                    () ->
                        new InvalidCommandException(
                            field
                                + ": '"
                                + Names.printable(name)
                                + "' is not an event type; known are "
                                + Arrays.stream(EventType.values())
                                    .map(EventType::wire)
                                    .toList())));
      }
    }
    return types;
  }
}
