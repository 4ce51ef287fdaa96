package dev.baton.app.feed;

import dev.baton.sdk.EventFilter;
import dev.baton.sdk.protocol.EventCursor;

/**
 * One read of the feed: the workspace, the filter, where to start and how many events at most.
 *
 * @param workspace the workspace whose events are read
 * @param filter which events to deliver
 * @param from the position to read from
 * @param limit most events in one answer
 */
public record FeedQuery(String workspace, EventFilter filter, EventCursor from, int limit) {
  /** The same query from {@code cursor}. */
  public FeedQuery from(EventCursor cursor) {
    return new FeedQuery(workspace, filter, cursor, limit);
  }
}
