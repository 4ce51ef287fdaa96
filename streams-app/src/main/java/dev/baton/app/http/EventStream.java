package dev.baton.app.http;

import dev.baton.app.feed.CursorExpiredException;
import dev.baton.app.feed.EventFeed;
import dev.baton.app.feed.FeedEntry;
import dev.baton.app.feed.FeedPage;
import dev.baton.app.feed.FeedQuery;
import dev.baton.app.feed.FeedReads;
import dev.baton.sdk.protocol.EventCursor;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-sent-events watcher of {@code GET /v1/events/{workspace}}: its cursor, and the frames
 * it has not yet taken, written with non-blocking servlet output so that no thread ever waits on a
 * slow client.
 *
 * <p>Woken by the feed's dispatcher, it reads the buffer from its cursor and queues frames. When
 * the unsent bytes exceed the bound ({@code baton.feed.watcher.buffer.bytes}) the node cuts the
 * watcher off (closes the response); it resumes later from its {@code Last-Event-ID}. Catch-up
 * reads (a cursor older than the buffer) go one page at a time and only while the queue is below
 * half the bound, so a slow reader that is catching up is paced, not cut off.
 *
 * <p>Every {@code id:} is a cursor after that event. A heartbeat is a comment line, or a {@code
 * bookmark} event when the filter skipped events since the last id; a bookmark also goes out at
 * once after {@value #BOOKMARK_AFTER_SKIPPED} skipped events or an empty catch-up page.
 */
final class EventStream implements EventFeed.Watcher, WriteListener {
  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
  static final int BOOKMARK_AFTER_SKIPPED = 1000;
  private static final int PAGE = 256;

  private final FeedReads feed;
  private final ServletOutputStream out;
  private final int bound;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private long pendingBytes;
  private boolean needsFlush;
  private FeedQuery query;
  private String lastId;
  private long skipped;
  private boolean catchingUp;
  private boolean wroteSinceBeat;

  EventStream(FeedReads feed, ServletOutputStream out, FeedQuery query) {
    this.feed = feed;
    this.out = out;
    this.bound = feed.settings().watcherBufferBytes();
    this.query = query;
    this.lastId = query.from().encode();
  }

  /** Completes when the stream is over (client gone, cut off, node closing). */
  CompletableFuture<Void> closed() {
    return closed;
  }

  /** Starts: the first page (already read), then registers for wake-ups. */
  synchronized void start(FeedPage first, boolean fromMemory) {
    out.setWriteListener(this);
    deliver(first);
    feed.watch(this);
    if (first.more() || !fromMemory) {
      feed.dispatch(this::wake);
    }
  }

  @Override
  public synchronized void wake() {
    if (closed.isDone() || catchingUp) {
      return;
    }
    for (int round = 0; round < 64 && pendingBytes <= bound / 2; round++) {
      FeedPage page = feed.readRecent(query);
      if (page == null) {
        catchUp();
        return;
      }
      deliver(page);
      if (closed.isDone() || !page.more()) {
        return;
      }
    }
  }

  private void catchUp() {
    catchingUp = true;
    feed.read(query)
        .whenComplete(
            (page, failure) -> {
              synchronized (this) {
                catchingUp = false;
                if (failure != null) {
                  fail(failure);
                  return;
                }
                deliver(page);
                if (page.events().isEmpty()) {
                  bookmark();
                }
              }
              if (pendingBytes <= bound / 2) {
                feed.dispatch(this::wake);
              }
            });
  }

  /** Queues the page's events and moves the cursor; cuts the watcher off over the bound. */
  private void deliver(FeedPage page) {
    EventCursor running = query.from();
    for (FeedEntry e : page.events()) {
      running = running.with(e.partition(), e.offset() + 1);
      lastId = running.encode();
      enqueue(FeedJson.eventFrame(e, lastId));
    }
    skipped = page.events().isEmpty() ? skipped + page.skipped() : page.skipped();
    query = query.from(page.next());
    if (skipped >= BOOKMARK_AFTER_SKIPPED) {
      bookmark();
    }
    if (pendingBytes > bound) {
      LOG.info(
          "cutting off an event stream of {}: {} unsent bytes over the bound of {}",
          query.workspace(),
          pendingBytes,
          bound);
      close();
      return;
    }
    drain();
  }

  private void bookmark() {
    String now = query.from().encode();
    if (!now.equals(lastId)) {
      lastId = now;
      skipped = 0;
      enqueue(FeedJson.bookmarkFrame(now));
      drain();
    }
  }

  @Override
  public synchronized void heartbeat() {
    if (closed.isDone()) {
      return;
    }
    if (!query.from().encode().equals(lastId)) {
      bookmark();
    } else if (!wroteSinceBeat) {
      enqueue(FeedJson.heartbeatFrame());
      drain();
    }
    wroteSinceBeat = false;
  }

  private void enqueue(byte[] frame) {
    pending.addLast(frame);
    pendingBytes += frame.length;
    wroteSinceBeat = true;
  }

  private void fail(Throwable failure) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    ApiError error =
        cause instanceof CursorExpiredException expired
            ? ApiError.cursorExpired(expired)
            : ErrorMapper.toApiError(cause);
    enqueue(FeedJson.errorFrame(HttpJson.text(error.body())));
    drain();
    close();
  }

  /** Writes what the output takes now without blocking; the rest waits for onWritePossible. */
  private void drain() {
    try {
      while (out.isReady()) {
        byte[] next = pending.pollFirst();
        if (next == null) {
          if (needsFlush) {
            needsFlush = false;
            out.flush();
            continue;
          }
          return;
        }
        pendingBytes -= next.length;
        out.write(next);
        needsFlush = true;
      }
    } catch (IOException | IllegalStateException e) {
      LOG.debug("event stream of {} ended: {}", query.workspace(), e.toString());
      close();
    }
  }

  @Override
  public void onWritePossible() {
    boolean resume;
    synchronized (this) {
      if (closed.isDone()) {
        return;
      }
      drain();
      resume = pendingBytes <= bound / 2 && !catchingUp;
    }
    if (resume) {
      feed.dispatch(this::wake);
    }
  }

  @Override
  public void onError(Throwable t) {
    LOG.debug("event stream of {} failed: {}", query.workspace(), t.toString());
    close();
  }

  synchronized void close() {
    if (closed.isDone()) {
      return;
    }
    feed.unwatch(this);
    pending.clear();
    pendingBytes = 0;
    closed.complete(null);
  }
}
