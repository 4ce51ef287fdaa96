package dev.baton.app.feed;

import java.util.concurrent.CompletableFuture;

/** What a streaming watcher needs from the feed (implemented by {@link EventFeed}). */
public interface FeedReads {
  FeedSettings settings();

  /** One page from the in-memory buffer, or null when the cursor is older than the buffer. */
  FeedPage readRecent(FeedQuery query);

  /** One page without waiting, from the buffer or from Kafka. */
  CompletableFuture<FeedPage> read(FeedQuery query);

  void watch(EventFeed.Watcher watcher);

  void unwatch(EventFeed.Watcher watcher);

  /** Runs {@code task} on the thread that wakes watchers. */
  void dispatch(Runnable task);
}
