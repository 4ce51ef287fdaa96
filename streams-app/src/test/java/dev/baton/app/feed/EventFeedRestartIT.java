package dev.baton.app.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.agent.McpClients;
import dev.baton.app.cli.CliRun;
import dev.baton.app.config.AppConfig;
import dev.baton.app.http.TestHttp;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.EventFilter;
import dev.baton.sdk.EventListener;
import dev.baton.sdk.EventSubscription;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventCursor;
import dev.baton.sdk.protocol.Json;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed across a node restart and past retention: cursors resume exactly once on a new node
 * (HTTP, SDK subscription and {@code baton events watch} alike), and a position retention removed
 * is a 410 naming the oldest cursor.
 */
@Timeout(300)
class EventFeedRestartIT {
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final Map<String, Object> NO_SINKS =
      Map.of(AppConfig.AUDIT_ENABLED, false, AppConfig.PROJECTION_ENABLED, false);

  private final String ws = "ws-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  private TestBaton node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private TestHttp http() {
    return new TestHttp(node.httpBase());
  }

  private void createTasks(String prefix, int n) throws Exception {
    try (BatonClient client = node.client("alice")) {
      BatonClient in = client.as("alice", ws);
      for (int i = 0; i < n; i++) {
        in.tasks().create(NewTask.titled(prefix + i).withId(prefix + i)).get(30, TimeUnit.SECONDS);
      }
    }
  }

  private TestHttp.Reply poll(String cursor, String extra) {
    String after =
        cursor == null ? "" : "after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
    return http().get("/v1/events/" + ws + "?" + after + extra);
  }

  private record Drained(List<String> ids, String next) {}

  private Drained drain(String cursor, int count, int limit) {
    List<String> ids = new ArrayList<>();
    String next = cursor;
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (ids.size() < count && System.nanoTime() < deadline) {
      TestHttp.Reply reply =
          poll(next, "&waitMs=2000&limit=" + Math.min(limit, count - ids.size()));
      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      reply.json().path("events").forEach(e -> ids.add(e.path("id").asText()));
      next = reply.json().path("next").asText();
    }
    assertThat(ids).hasSize(count);
    return new Drained(ids, next);
  }

  @Test
  void shouldResumeExactlyOnceAcrossANodeRestart(@TempDir Path dir) throws Exception {
    node = TestBaton.start(dir, NO_SINKS);
    String start = poll(null, "").json().path("next").asText();
    createTasks("before", 5);
    Drained first = drain(start, 2, 2);

    AppConfig config = node.config();
    node.close();
    node = TestBaton.restart(dir, config);
    createTasks("after", 3);
    Drained rest = drain(first.next(), 6, 4);

    List<String> all = new ArrayList<>(first.ids());
    all.addAll(rest.ids());
    List<String> log = drain(EventCursor.BEGINNING, 8, 100).ids();
    assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(log);
    TestHttp.Reply after = poll(rest.next(), "&waitMs=300");
    assertThat(after.json().path("events")).as(after.raw()).isEmpty();

    // The SDK's subscription and the CLI take the same cursor and see the same events.
    List<Event> seen = new CopyOnWriteArrayList<>();
    try (BatonClient client = node.client("watcher");
        EventSubscription subscription =
            client
                .as("watcher", ws)
                .events()
                .subscribe(EventFilter.all(), first.next(), (event, cursor) -> seen.add(event))) {
      await(() -> seen.size() >= 6);
      // Same events, each once; the order across partitions is the reader's own.
      assertThat(seen.stream().map(Event::id).toList())
          .containsExactlyInAnyOrderElementsOf(rest.ids());
      await(() -> subscription.cursor().equals(rest.next()));
    }
    CliRun cli =
        CliRun.of(
            "events",
            "watch",
            "--server",
            node.httpBase(),
            "--workspace",
            ws,
            "--after",
            first.next(),
            "--count",
            "6",
            "--json");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    List<String> lines = Arrays.stream(cli.out().split("\n")).filter(l -> !l.isBlank()).toList();
    assertThat(lines.stream().map(l -> json(l).path("id").asText()).toList())
        .containsExactlyInAnyOrderElementsOf(rest.ids());
    assertThat(cli.err()).contains("resume with --after c1.");
  }

  @Test
  void shouldAnswerGoneWithTheOldestCursorOnceRetentionRemovedThePosition(@TempDir Path dir)
      throws Exception {
    node = TestBaton.start(dir, NO_SINKS);
    createTasks("old", 4);
    drain(EventCursor.BEGINNING, 4, 100);
    AppConfig config = node.config();
    node.close();
    String topic = config.topics().events();
    Map<Integer, Long> zero = new HashMap<>();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < config.partitions(); p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        zero.put(p, 0L);
      }
      Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach((tp, o) -> delete.put(tp, RecordsToDelete.beforeOffset(o.offset())));
      admin.deleteRecords(delete).all().get();
    }
    node = TestBaton.restart(dir, config);

    TestHttp.Reply gone = poll(new EventCursor(zero).encode(), "");

    assertThat(gone.status()).as(gone.raw()).isEqualTo(410);
    assertThat(gone.error()).isEqualTo("CURSOR_EXPIRED");
    assertThat(gone.json().path("message").asText()).contains("retention");
    String oldest = gone.json().path("oldest").asText();
    // The MCP tool over the same feed answers in the words of the 410.
    try (McpSyncClient mcp = McpClients.http(node.httpBase(), "watcher", p -> {})) {
      McpSchema.CallToolResult viaMcp =
          mcp.callTool(
              new McpSchema.CallToolRequest(
                  "events_wait", Map.of("after", new EventCursor(zero).encode(), "timeoutMs", 0)));
      assertThat(viaMcp.isError()).isTrue();
      JsonNode body = json(((McpSchema.TextContent) viaMcp.content().get(0)).text());
      assertThat(body.path("error").asText()).isEqualTo("CURSOR_EXPIRED");
      assertThat(body.path("message").asText()).isEqualTo(gone.json().path("message").asText());
      assertThat(body.path("oldest").asText()).isEqualTo(oldest);
    }
    TestHttp.Reply resumed = poll(oldest, "");
    assertThat(resumed.status()).as(resumed.raw()).isEqualTo(200);
    assertThat(resumed.json().path("events")).isEmpty();
    assertThat(poll(EventCursor.BEGINNING, "").status()).isEqualTo(200);

    CompletableFuture<String> expired = new CompletableFuture<>();
    EventListener listener =
        new EventListener() {
          @Override
          public void onEvent(Event event, String cursor) {}

          @Override
          public void onExpired(String oldestCursor) {
            expired.complete(oldestCursor);
          }
        };
    try (BatonClient client = node.client("watcher");
        EventSubscription subscription =
            client
                .as("watcher", ws)
                .events()
                .subscribe(EventFilter.all(), new EventCursor(zero).encode(), listener)) {
      assertThat(expired.get(30, TimeUnit.SECONDS)).isEqualTo(oldest);
      await(() -> !subscription.running());
    }
  }

  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(text, e);
    }
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + AWAIT);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
