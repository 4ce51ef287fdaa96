package dev.baton.app.feed;

import dev.baton.sdk.protocol.EventCursor;
import java.util.List;

/**
 * An answer of the feed: matching events in delivery order and the cursor after them.
 *
 * @param events the events, in log order per partition
 * @param next resume here: every event before it was delivered or did not match
 * @param more true when the answer was cut by its limit or a read budget, so more may be ready now
 * @param skipped events examined that the filter did not pass
 */
public record FeedPage(List<FeedEntry> events, EventCursor next, boolean more, long skipped) {
  public FeedPage {
    events = List.copyOf(events);
  }
}
