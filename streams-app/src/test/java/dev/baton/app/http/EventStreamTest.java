package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.feed.EventFeed;
import dev.baton.app.feed.FeedEntry;
import dev.baton.app.feed.FeedPage;
import dev.baton.app.feed.FeedQuery;
import dev.baton.app.feed.FeedReads;
import dev.baton.app.feed.FeedSettings;
import dev.baton.sdk.EventFilter;
import dev.baton.sdk.protocol.EventCursor;
import dev.baton.sdk.protocol.EventType;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** An SSE watcher alone: frames, cursors, and the cut-off of a reader that does not read. */
class EventStreamTest {
  private static final int BOUND = 4096;

  /** A feed whose buffer answers with the pages given, one per read. */
  private static final class ScriptedFeed implements FeedReads {
    final List<FeedPage> pages = new ArrayList<>();
    final List<EventFeed.Watcher> watchers = new ArrayList<>();

    @Override
    public FeedSettings settings() {
      return new FeedSettings(
          Map.of("bootstrap.servers", "unused:9"),
          "baton.events",
          1000,
          1 << 20,
          BOUND,
          1,
          Duration.ofSeconds(15));
    }

    @Override
    public FeedPage readRecent(FeedQuery query) {
      return pages.isEmpty() ? new FeedPage(List.of(), query.from(), false, 0) : pages.remove(0);
    }

    @Override
    public CompletableFuture<FeedPage> read(FeedQuery query) {
      return CompletableFuture.completedFuture(readRecent(query));
    }

    @Override
    public void watch(EventFeed.Watcher watcher) {
      watchers.add(watcher);
    }

    @Override
    public void unwatch(EventFeed.Watcher watcher) {
      watchers.remove(watcher);
    }

    @Override
    public void dispatch(Runnable task) {
      task.run();
    }
  }

  /** A client socket that takes everything, or nothing at all. */
  private static final class Socket extends ServletOutputStream {
    final ByteArrayOutputStream taken = new ByteArrayOutputStream();
    final boolean reads;

    Socket(boolean reads) {
      this.reads = reads;
    }

    @Override
    public boolean isReady() {
      return reads;
    }

    @Override
    public void setWriteListener(WriteListener listener) {}

    @Override
    public void write(int b) {
      taken.write(b);
    }

    String text() {
      return taken.toString(StandardCharsets.UTF_8);
    }
  }

  private static FeedPage page(int firstOffset, int count, int bytesEach) {
    List<FeedEntry> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String json =
          "{\"id\":\"e" + (firstOffset + i) + "\",\"pad\":\"" + "x".repeat(bytesEach) + "\"}";
      events.add(
          new FeedEntry(
              0,
              firstOffset + i,
              firstOffset + i,
              "ws/task/a",
              EventType.TASK_UPDATED,
              "alice",
              json.getBytes(StandardCharsets.UTF_8)));
    }
    return new FeedPage(events, new EventCursor(Map.of(0, (long) firstOffset + count)), false, 0);
  }

  private static FeedQuery from(long offset) {
    return new FeedQuery("ws", EventFilter.all(), new EventCursor(Map.of(0, offset)), 256);
  }

  @Test
  void shouldWriteEachEventWithTheCursorAfterItAsItsId() {
    ScriptedFeed feed = new ScriptedFeed();
    Socket socket = new Socket(true);
    EventStream stream = new EventStream(feed, socket, from(0));

    stream.start(page(0, 2, 10), true);

    String text = socket.text();
    assertThat(text).contains("id: " + new EventCursor(Map.of(0, 1L)).encode() + "\n");
    assertThat(text).contains("id: " + new EventCursor(Map.of(0, 2L)).encode() + "\n");
    assertThat(text).contains("event: task.updated\ndata: {\"id\":\"e0\"");
    assertThat(feed.watchers).containsExactly(stream);
    assertThat(stream.closed()).isNotDone();
  }

  @Test
  void shouldCutOffAWatcherThatDoesNotReadOnceItOwesMoreThanTheBound() {
    ScriptedFeed feed = new ScriptedFeed();
    Socket socket = new Socket(false);
    EventStream stream = new EventStream(feed, socket, from(0));
    stream.start(page(0, 1, 10), true);
    assertThat(stream.closed()).isNotDone();

    feed.pages.add(page(1, 10, 1000));
    stream.wake();

    assertThat(stream.closed()).isDone();
    assertThat(feed.watchers).isEmpty();
    assertThat(socket.taken.size()).isZero();
  }

  @Test
  void shouldSendABookmarkWhenTheFilterSkippedEventsSinceTheLastId() {
    ScriptedFeed feed = new ScriptedFeed();
    Socket socket = new Socket(true);
    EventStream stream = new EventStream(feed, socket, from(0));
    stream.start(new FeedPage(List.of(), new EventCursor(Map.of(0, 40L)), false, 40), true);

    stream.heartbeat();

    String cursor = new EventCursor(Map.of(0, 40L)).encode();
    assertThat(socket.text())
        .contains("id: " + cursor + "\nevent: bookmark\ndata: {\"next\":\"" + cursor + "\"}");
    stream.heartbeat();
    assertThat(socket.text()).endsWith(": heartbeat\n\n");
  }
}
