package dev.baton.app.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.sdk.EventFilter;
import dev.baton.sdk.protocol.EventCursor;
import dev.baton.sdk.protocol.EventType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RecentEventsTest {
  private long seq;

  private FeedEntry entry(int partition, long offset, String key, EventType type) {
    return new FeedEntry(
        partition,
        offset,
        seq++,
        key,
        type,
        "alice",
        ("{\"id\":\"" + partition + "-" + offset + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private static FeedQuery query(EventCursor from, int limit) {
    return new FeedQuery("ws", EventFilter.all(), from, limit);
  }

  private static FeedPage served(RecentEvents.Read read) {
    assertThat(read).isInstanceOf(RecentEvents.Served.class);
    return ((RecentEvents.Served) read).page();
  }

  private static List<String> offsets(FeedPage page) {
    return page.events().stream().map(e -> e.partition() + "@" + e.offset()).toList();
  }

  @Test
  void shouldInterleavePartitionsInArrivalOrder() {
    RecentEvents recent = new RecentEvents(100, 1 << 20);
    recent.start(Map.of(0, 10L, 1, 20L));
    recent.append(
        List.of(
            entry(1, 20, "ws/task/a", EventType.TASK_CREATED),
            entry(0, 10, "ws/task/b", EventType.TASK_CREATED),
            entry(1, 22, "ws/task/a", EventType.TASK_UPDATED)),
        Map.of(0, 11L, 1, 23L));

    FeedPage page = served(recent.read(query(recent.now(), 10)));
    assertThat(page.events()).isEmpty();
    FeedPage all = served(recent.read(query(new EventCursor(Map.of(0, 10L, 1, 20L)), 10)));

    assertThat(offsets(all)).containsExactly("1@20", "0@10", "1@22");
    assertThat(all.next().positions()).isEqualTo(Map.of(0, 11L, 1, 23L));
    assertThat(all.more()).isFalse();
  }

  @Test
  void shouldCutAtTheLimitWithACursorThatLosesNothing() {
    RecentEvents recent = new RecentEvents(100, 1 << 20);
    recent.start(Map.of(0, 0L, 1, 0L));
    recent.append(
        List.of(
            entry(0, 0, "ws/task/a", EventType.TASK_CREATED),
            entry(1, 0, "ws/task/b", EventType.TASK_CREATED),
            entry(0, 1, "ws/task/a", EventType.TASK_UPDATED),
            entry(1, 1, "ws/task/b", EventType.TASK_UPDATED)),
        Map.of(0, 2L, 1, 2L));

    FeedPage first = served(recent.read(query(new EventCursor(Map.of(0, 0L, 1, 0L)), 3)));
    FeedPage second = served(recent.read(query(first.next(), 3)));

    assertThat(offsets(first)).containsExactly("0@0", "1@0", "0@1");
    assertThat(first.more()).isTrue();
    assertThat(offsets(second)).containsExactly("1@1");
    assertThat(second.next().positions()).isEqualTo(Map.of(0, 2L, 1, 2L));
  }

  @Test
  void shouldCountSkippedEventsAndMovePastThem() {
    RecentEvents recent = new RecentEvents(100, 1 << 20);
    recent.start(Map.of(0, 0L));
    recent.append(
        List.of(
            entry(0, 0, "ws/task/a", EventType.TASK_CREATED),
            entry(0, 1, "other/task/a", EventType.TASK_CREATED),
            entry(0, 3, "ws/task/a", EventType.TASK_UPDATED)),
        Map.of(0, 5L));
    FeedQuery created =
        new FeedQuery(
            "ws",
            EventFilter.all().types(Set.of(EventType.TASK_UPDATED)),
            new EventCursor(Map.of(0, 0L)),
            10);

    FeedPage page = served(recent.read(created));

    assertThat(offsets(page)).containsExactly("0@3");
    assertThat(page.skipped()).isEqualTo(2);
    assertThat(page.next().position(0)).isEqualTo(5);
  }

  @Nested
  class Eviction {
    @Test
    void shouldSendCursorsOlderThanTheBufferToKafka() {
      RecentEvents recent = new RecentEvents(100, 1 << 20);
      recent.start(Map.of(0, 50L, 1, 0L));

      RecentEvents.Read read = recent.read(query(new EventCursor(Map.of(0, 40L, 1, 0L)), 10));

      assertThat(read).isEqualTo(new RecentEvents.Behind(Map.of(0, 50L)));
    }

    @Test
    void shouldForgetTheOldestEventsBeyondTheBound() {
      RecentEvents recent = new RecentEvents(100, 1 << 20);
      recent.start(Map.of(0, 0L));
      for (int i = 0; i < 150; i++) {
        recent.append(List.of(entry(0, i, "ws/task/a", EventType.TASK_UPDATED)), Map.of());
      }

      assertThat(recent.usage()[0]).isEqualTo(100);
      assertThat(recent.read(query(new EventCursor(Map.of(0, 49L)), 10)))
          .isEqualTo(new RecentEvents.Behind(Map.of(0, 50L)));
      FeedPage page = served(recent.read(query(new EventCursor(Map.of(0, 50L)), 1)));
      assertThat(offsets(page)).containsExactly("0@50");
    }
  }
}
