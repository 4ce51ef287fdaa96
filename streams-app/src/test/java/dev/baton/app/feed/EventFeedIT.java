package dev.baton.app.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.http.TestHttp;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.EventCursor;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/events/{workspace}} against a real node on the shared test broker, read with
 * {@code java.net.http} (not the project's clients) and compared with {@code baton.events} read
 * directly by a {@code read_committed} consumer.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventFeedIT {
  private static final Duration AWAIT = Duration.ofSeconds(30);

  private TestBaton baton;
  private TestHttp http;
  private BatonClient client;
  private final HttpClient raw = HttpClient.newHttpClient();

  @BeforeAll
  void start(@TempDir Path dataDir) {
    baton = TestBaton.start(dataDir, Map.of());
    http = new TestHttp(baton.httpBase());
    client = baton.client("alice");
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (baton != null) {
      baton.close();
    }
  }

  @AfterEach
  void nodeStaysHealthy() {
    TestHttp.Reply health = http.get("/v1/health");
    assertThat(health.status()).as(health.raw()).isEqualTo(200);
  }

  @Nested
  class LongPoll {
    @Test
    void shouldDeliverEveryCommittedEventFromNowOnceInLogOrderPerKey() throws Exception {
      String ws = freshWorkspace();
      String start = now(ws);
      createTasks(ws, "t", 7);

      Drained fed = drain(ws, start, "", 7, 3);

      assertSameAsLog(fed.events(), committed(ws, 7));
      TestHttp.Reply after = poll(ws, "after=" + enc(fed.next()));
      assertThat(after.json().path("events")).as(after.raw()).isEmpty();
    }

    @Test
    void shouldHoldTheRequestUntilTheFirstEventArrives() throws Exception {
      String ws = freshWorkspace();
      String start = now(ws);
      var waiting =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> poll(ws, "after=" + enc(start) + "&waitMs=50000"));

      createTasks(ws, "late", 1);

      TestHttp.Reply reply = waiting.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      assertThat(reply.json().path("events").get(0).path("key").asText())
          .isEqualTo(ws + "/task/late0");
    }

    @Test
    void shouldOutwaitTheServersIdleTimeoutWhenNothingComes() {
      String ws = freshWorkspace();
      String start = now(ws);

      // Longer than Jetty's default idle timeout (30 s): a quiet long poll must still be answered.
      TestHttp.Reply reply = poll(ws, "after=" + enc(start) + "&waitMs=35000");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      assertThat(reply.json().path("events")).isEmpty();
    }

    @Test
    void shouldMoveTheCursorPastWhatTheFilterSkipped() throws Exception {
      String ws = freshWorkspace();
      String start = now(ws);
      createTasks(ws, "s", 3);
      List<JsonNode> log = committed(ws, 3);
      assertThat(log).hasSize(3);

      String next = start;
      long deadline = System.nanoTime() + AWAIT.toNanos();
      while (next.equals(start) && System.nanoTime() < deadline) {
        TestHttp.Reply reply =
            poll(ws, "after=" + enc(start) + "&types=decision.recorded&waitMs=200");
        assertThat(reply.json().path("events")).as(reply.raw()).isEmpty();
        next = reply.json().path("next").asText();
      }

      assertThat(next).isNotEqualTo(start);
      assertThat(poll(ws, "after=" + enc(next)).json().path("events")).isEmpty();
    }

    @Test
    void shouldStartFromTheOldestRetainedEventWithBeginning() throws Exception {
      String ws = freshWorkspace();
      createTasks(ws, "b", 4);
      List<JsonNode> log = committed(ws, 4);

      Drained fed = drain(ws, EventCursor.BEGINNING, "", 4, 100);

      assertSameAsLog(fed.events(), log);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Filters {
    private final String ws = freshWorkspace();
    private String start;
    private List<JsonNode> log;

    @BeforeAll
    void fill() throws Exception {
      start = now(ws);
      createTasks(ws, "t", 2);
      try (BatonClient bob = baton.client("bob")) {
        bob.as("bob", ws)
            .tasks()
            .create(NewTask.titled("b").withId("b0"))
            .get(30, TimeUnit.SECONDS);
      }
      BatonClient alice = client.as("alice", ws);
      alice
          .locks()
          .acquire("src/A.java", LockMode.EXCLUSIVE, Duration.ofMinutes(1), Duration.ZERO)
          .get(30, TimeUnit.SECONDS);
      alice.locks().release("src/A.java").get(30, TimeUnit.SECONDS);
      alice
          .tasks()
          .update("t1", 1, (ObjectNode) Json.mapper().readTree("{\"title\":\"t1 again\"}"))
          .get(30, TimeUnit.SECONDS);
      log = committed(ws, 6);
      assertThat(log).hasSize(6);
    }

    private void assertFilter(String filter, java.util.function.Predicate<JsonNode> expected) {
      List<JsonNode> wanted = log.stream().filter(expected).toList();
      assertThat(wanted).isNotEmpty();
      Drained fed = drain(ws, start, filter, wanted.size(), 100);
      assertSameAsLog(fed.events(), wanted);
      TestHttp.Reply rest = poll(ws, "after=" + enc(fed.next()) + filter);
      assertThat(rest.json().path("events")).as(rest.raw()).isEmpty();
    }

    @Test
    void shouldFilterByType() {
      assertFilter(
          "&types=task.created,lock.released",
          e -> Set.of("task.created", "lock.released").contains(e.path("type").asText()));
    }

    @Test
    void shouldFilterByTask() {
      assertFilter("&task=t1", e -> e.path("key").asText().equals(ws + "/task/t1"));
    }

    @Test
    void shouldFilterByResource() {
      assertFilter(
          "&resource=" + enc("src/A.java"),
          e -> e.path("key").asText().equals(ws + "/lock/src/A.java"));
    }

    @Test
    void shouldFilterByAgent() {
      assertFilter("&agent=bob", e -> e.path("agent").asText().equals("bob"));
    }

    @Test
    void shouldCombineFilters() {
      assertFilter(
          "&agent=alice&types=task.updated",
          e ->
              e.path("agent").asText().equals("alice")
                  && e.path("type").asText().equals("task.updated"));
    }
  }

  @Test
  void shouldNeverDeliverEventsOfAbortedTransactions() throws Exception {
    String ws = freshWorkspace();
    String start = now(ws);
    createTasks(ws, "real", 1);
    JsonNode real = drain(ws, start, "", 1, 10).events().get(0);
    String topic = baton.config().topics().events();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, baton.service().bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "feed-it-" + UUID.randomUUID());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    String key = real.path("key").asText();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, key, copyWithId(real, "aborted-1"))).get();
      producer.send(new ProducerRecord<>(topic, key, copyWithId(real, "aborted-2"))).get();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, key, copyWithId(real, "committed-1"))).get();
      producer.commitTransaction();
    }

    Drained fed = drain(ws, start, "", 2, 10);

    assertThat(ids(fed.events())).containsExactly(real.path("id").asText(), "committed-1");
    TestHttp.Reply rest = poll(ws, "after=" + enc(fed.next()) + "&waitMs=500");
    assertThat(rest.json().path("events")).as(rest.raw()).isEmpty();
    assertThat(ids(drain(ws, EventCursor.BEGINNING, "", 2, 10).events()))
        .containsExactly(real.path("id").asText(), "committed-1");
  }

  private static String copyWithId(JsonNode event, String id) {
    ObjectNode copy = event.deepCopy();
    copy.put("id", id);
    return copy.toString();
  }

  @Nested
  class ServerSentEvents {
    @Test
    void shouldResumeFromLastEventIdWithoutLossOrRepeat() throws Exception {
      String ws = freshWorkspace();
      String start = now(ws);
      createTasks(ws, "a", 3);
      List<Frame> first = new ArrayList<>();
      try (Stream<String> lines = open(ws, Map.of(), "?after=" + enc(start))) {
        first.addAll(events(lines.iterator(), 2));
      }
      String lastId = first.get(first.size() - 1).id();
      createTasks(ws, "b", 2);

      List<Frame> second;
      try (Stream<String> lines = open(ws, Map.of("Last-Event-ID", lastId), "")) {
        second = events(lines.iterator(), 3);
      }

      List<JsonNode> fed = new ArrayList<>();
      Stream.concat(first.stream(), second.stream()).forEach(f -> fed.add(json(f.data())));
      assertSameAsLog(fed, committed(ws, 5));
      assertThat(first.get(0).event()).isEqualTo("task.created");
    }

    @Test
    void shouldAnswerAnExpiredOrMalformedStartBeforeStreaming() throws Exception {
      HttpResponse<String> reply =
          raw.send(
              HttpRequest.newBuilder(
                      URI.create(baton.httpBase() + "/v1/events/" + freshWorkspace()))
                  .header("Accept", "text/event-stream")
                  .header("Last-Event-ID", "not-a-cursor")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).isEqualTo(400);
      assertThat(json(reply.body()).path("error").asText()).isEqualTo("INVALID");
    }
  }

  @Nested
  class NodeReads {
    private TestHttp.Reply awaitReply(
        String path, java.util.function.Predicate<TestHttp.Reply> done) {
      long deadline = System.nanoTime() + AWAIT.toNanos();
      TestHttp.Reply last;
      do {
        last = http.get(path);
        if (done.test(last)) {
          return last;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      } while (System.nanoTime() < deadline);
      throw new AssertionError(path + " never reached the condition; last: " + last.raw());
    }

    private List<Long> numbers(TestHttp.Reply reply) {
      List<Long> out = new ArrayList<>();
      reply.json().path("decisions").forEach(d -> out.add(d.path("number").asLong()));
      return out;
    }

    @Test
    void shouldListDecisionsNewestFirstWithPagingAndFilters() throws Exception {
      String ws = freshWorkspace();
      BatonClient in = client.as("alice", ws);
      in.decisions()
          .record(dev.baton.sdk.NewDecision.of("one", "c", "d").forTask("t1"))
          .get(30, TimeUnit.SECONDS);
      in.decisions()
          .record(dev.baton.sdk.NewDecision.of("two", "c", "d").superseding(1))
          .get(30, TimeUnit.SECONDS);
      in.decisions()
          .record(dev.baton.sdk.NewDecision.of("three", "c", "d").forTask("t2"))
          .get(30, TimeUnit.SECONDS);
      String list = "/v1/decisions/" + ws;

      TestHttp.Reply all =
          awaitReply(list, r -> r.status() == 200 && r.json().path("decisions").size() == 3);

      assertThat(numbers(all)).containsExactly(3L, 2L, 1L);
      assertThat(all.json().path("decisions").get(2).path("status").asText())
          .isEqualTo("SUPERSEDED");
      assertThat(all.json().path("decisions").get(2).path("supersededBy").asLong()).isEqualTo(2);
      assertThat(numbers(http.get(list + "?task=t1"))).containsExactly(1L);
      assertThat(numbers(http.get(list + "?status=ACTIVE"))).containsExactly(3L, 2L);
      TestHttp.Reply first = http.get(list + "?limit=2");
      assertThat(numbers(first)).containsExactly(3L, 2L);
      assertThat(first.json().path("next").asLong()).isEqualTo(2);
      assertThat(numbers(http.get(list + "?limit=2&before=2"))).containsExactly(1L);
      TestHttp.Reply one = http.get(list + "/1");
      assertThat(one.json().path("title").asText()).isEqualTo("one");
      assertThat(http.get(list + "/99").status()).isEqualTo(404);
      assertThat(http.get(list + "?status=LATE").status()).isEqualTo(400);
      assertThat(http.get(list + "/zero").status()).isEqualTo(400);
    }

    @Test
    void shouldTellAnAgentWhatItHoldsWaitsForAndIsAssigned() throws Exception {
      String ws = freshWorkspace();
      BatonClient alice = client.as("alice", ws);
      alice
          .locks()
          .acquire("src/A.java", LockMode.EXCLUSIVE, Duration.ofMinutes(5), Duration.ZERO)
          .get(30, TimeUnit.SECONDS);
      try (BatonClient bobClient = baton.client("bob")) {
        BatonClient bob = bobClient.as("bob", ws);
        bob.tasks().create(NewTask.titled("mine").withId("mine")).get(30, TimeUnit.SECONDS);
        bob.tasks().claim("mine").get(30, TimeUnit.SECONDS);
        var waiting =
            bob.locks()
                .acquire(
                    "src/A.java", LockMode.EXCLUSIVE, Duration.ofMinutes(1), Duration.ofMinutes(1));

        TestHttp.Reply bobView =
            awaitReply(
                "/v1/agents/" + ws + "/bob",
                r -> r.status() == 200 && r.json().path("waits").size() == 1);
        TestHttp.Reply aliceView = http.get("/v1/agents/" + ws + "/alice");

        assertThat(aliceView.json().path("holds").get(0).path("resource").asText())
            .isEqualTo("src/A.java");
        assertThat(aliceView.json().path("holds").get(0).path("token").asLong()).isEqualTo(1);
        assertThat(aliceView.json().path("holds").get(0).hasNonNull("leaseDeadline")).isTrue();
        assertThat(aliceView.json().path("tasks")).isEmpty();
        assertThat(bobView.json().path("waits").get(0).path("position").asInt()).isEqualTo(1);
        assertThat(bobView.json().path("holds")).isEmpty();
        assertThat(bobView.json().path("tasks").get(0).path("id").asText()).isEqualTo("mine");
        assertThat(bobView.json().path("complete").asBoolean()).isTrue();
        alice.locks().release("src/A.java").get(30, TimeUnit.SECONDS);
        waiting.get(30, TimeUnit.SECONDS);
        bob.locks().release("src/A.java").get(30, TimeUnit.SECONDS);
      }
      assertThat(http.get("/v1/agents/" + ws + "/a%2Fb").status()).isIn(400, 404);
    }
  }

  private record Frame(String id, String event, String data) {}

  private Stream<String> open(String ws, Map<String, String> headers, String query)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baton.httpBase() + "/v1/events/" + ws + query))
            .header("Accept", "text/event-stream");
    headers.forEach(request::header);
    HttpResponse<Stream<String>> response =
        raw.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    return response.body();
  }

  /** Reads frames until {@code n} event frames (not bookmarks, not comments) arrived. */
  private static List<Frame> events(Iterator<String> lines, int n) {
    List<Frame> out = new ArrayList<>();
    String id = null;
    String event = null;
    StringBuilder data = new StringBuilder();
    while (out.size() < n && lines.hasNext()) {
      String line = lines.next();
      if (line.isEmpty()) {
        if (event != null && !event.equals("bookmark")) {
          out.add(new Frame(id, event, data.toString()));
        }
        id = null;
        event = null;
        data.setLength(0);
      } else if (line.startsWith("id: ")) {
        id = line.substring(4);
      } else if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data.append(line.substring(6));
      }
    }
    return out;
  }

  @Nested
  class HostileParameters {
    private final String ws = freshWorkspace();

    private void assertInvalid(String query, String mentions) {
      TestHttp.Reply reply = poll(ws, query);
      assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
      assertThat(reply.error()).isEqualTo("INVALID");
      assertThat(reply.json().path("message").asText()).contains(mentions);
    }

    @Test
    void shouldRejectAMalformedCursor() {
      assertInvalid("after=garbage", "after");
      assertInvalid("after=c1.%21%21%21", "after");
      assertInvalid("after=" + enc(new EventCursor(Map.of()).encode() + "x"), "after");
      assertInvalid("after=c1.LTE6NQ", "negative");
    }

    @Test
    void shouldRejectAHugeWait() {
      assertInvalid("waitMs=50001", "waitMs");
      assertInvalid("waitMs=99999999999999999999999", "waitMs");
      assertInvalid("waitMs=-1", "waitMs");
      assertInvalid("limit=0", "limit");
    }

    @Test
    void shouldRejectAnUnknownTypeOrParameter() {
      assertInvalid("types=task.exploded", "task.exploded");
      assertInvalid("colour=red", "colour");
      assertInvalid("task=a%2Fb", "task");
      assertInvalid("task=a&task=b", "task");
    }

    @Test
    void shouldRejectTenThousandFilters() {
      StringBuilder many = new StringBuilder("types=task.created");
      for (int i = 1; i < 10_000; i++) {
        many.append(",task.created");
      }
      TestHttp.Reply reply = poll(ws, many.toString());
      assertThat(reply.status()).as(reply.raw()).isIn(400, 414);
      assertThat(reply.json().path("message").asText()).isNotBlank();
      assertInvalid("types=" + "task.created,".repeat(40), "types");
    }
  }

  private static String freshWorkspace() {
    return "ws-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private TestHttp.Reply poll(String workspace, String query) {
    return http.get("/v1/events/" + workspace + "?" + query);
  }

  private String now(String workspace) {
    TestHttp.Reply reply = poll(workspace, "waitMs=0");
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    assertThat(reply.json().path("events")).isEmpty();
    return reply.json().path("next").asText();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * Long-polls from {@code cursor} until {@code count} events arrived; returns them and the cursor.
   */
  private record Drained(List<JsonNode> events, String next) {
    List<String> ids() {
      return events.stream().map(e -> e.path("id").asText()).toList();
    }
  }

  private Drained drain(String workspace, String cursor, String filter, int count, int limit) {
    List<JsonNode> events = new ArrayList<>();
    String next = cursor;
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (events.size() < count && System.nanoTime() < deadline) {
      TestHttp.Reply reply =
          poll(workspace, "after=" + enc(next) + "&limit=" + limit + "&waitMs=2000" + filter);
      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      reply.json().path("events").forEach(events::add);
      next = reply.json().path("next").asText();
    }
    assertThat(events).as("events of %s from %s", workspace, cursor).hasSize(count);
    return new Drained(events, next);
  }

  /** Every committed event of {@code workspace}, read from baton.events directly. */
  private List<JsonNode> committed(String workspace, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, baton.service().bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    String topic = baton.config().topics().events();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> tps =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      List<JsonNode> events = new ArrayList<>();
      long deadline = System.nanoTime() + AWAIT.toNanos();
      while (events.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key().startsWith(workspace + "/")) {
            events.add(json(r.value()));
          }
        }
      }
      // One more poll: anything beyond the expected count would show up as a difference.
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
        if (r.key().startsWith(workspace + "/")) {
          events.add(json(r.value()));
        }
      }
      return events;
    }
  }

  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void createTasks(String workspace, String prefix, int n) throws Exception {
    BatonClient in = client.as("alice", workspace);
    for (int i = 0; i < n; i++) {
      in.tasks().create(NewTask.titled(prefix + i).withId(prefix + i)).get(30, TimeUnit.SECONDS);
    }
  }

  /** Same events as the log, each once, and per aggregate key in log order. */
  private static void assertSameAsLog(List<JsonNode> fed, List<JsonNode> log) {
    assertThat(ids(fed)).doesNotHaveDuplicates();
    assertThat(ids(fed)).containsExactlyInAnyOrderElementsOf(ids(log));
    assertThat(byKey(fed)).isEqualTo(byKey(log));
  }

  private static List<String> ids(List<JsonNode> events) {
    return events.stream().map(e -> e.path("id").asText()).toList();
  }

  private static Map<String, List<String>> byKey(List<JsonNode> events) {
    Map<String, List<String>> out = new HashMap<>();
    for (JsonNode e : events) {
      out.computeIfAbsent(e.path("key").asText(), k -> new ArrayList<>())
          .add(e.path("id").asText());
    }
    return out;
  }
}
