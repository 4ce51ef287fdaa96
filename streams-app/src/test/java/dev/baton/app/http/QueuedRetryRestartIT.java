package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.config.AppConfig;
import dev.baton.app.testing.ChildNodes;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.LockGrant;
import dev.baton.sdk.LockRequest;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queued lock request retried after its node went away is answered: with its progress at once,
 * then with its grant when the holder releases. The node is stopped and started again in this JVM,
 * or runs as a child {@code baton up} that is killed ({@code kill -9}) and started again, each time
 * on the same data directory and namespace, so the retry reaches a gateway (and an SDK client) that
 * never saw the first request and reads another reply partition than the one the request was queued
 * with (the outcomes topic has 12 partitions and each client picks one at random).
 *
 * <p>The sequence of the field report: alice holds a file; bob long-polls {@code acquire} (wait 10
 * min, {@code Idempotency-Key}) and is queued; the node goes; it comes back; bob retries with his
 * key; alice releases. Bob's retry must be answered 200 {@code GRANTED} with token 2 (the time from
 * alice's release to the answer is printed). The async variant for carol: 202 {@code QUEUED} first,
 * 202 again for the retry after the restart, 200 for the retry after the grant. And a new SDK
 * client, reading yet another partition, follows dave's queued request by its command id.
 */
@Timeout(300)
class QueuedRetryRestartIT {
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private static final int OUTCOME_PARTITIONS = 12;
  private static final List<String> FILES =
      List.of("src/Sync.java", "src/Async.java", "src/Sdk.java");

  private final String workspace = "qr-" + UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void shouldAnswerRetriesOfQueuedRequestsAfterAStopAndStart(@TempDir Path dataDir)
      throws Exception {
    AppConfig config;
    Queued queued;
    try (TestBaton first =
        TestBaton.start(dataDir, Map.of(AppConfig.OUTCOME_PARTITIONS, OUTCOME_PARTITIONS))) {
      config = first.config();
      queued =
          queueBehindAlice(first.httpBase(), first.service().bootstrapServers(), config.topics());
    }
    try (TestBaton second = TestBaton.restart(dataDir, config)) {
      retryAndRelease(
          "stop and start", queued, second.httpBase(), second.service().bootstrapServers());
    }
  }

  @Test
  void shouldAnswerRetriesOfQueuedRequestsAfterAKill(@TempDir Path dir) throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    int port = ChildNodes.freePort();
    String base = "http://127.0.0.1:" + port;
    Map<String, String> env = new HashMap<>(ChildNodes.sharedSettings(prefix, dir.resolve("data")));
    env.put("BATON_HTTP_PORT", String.valueOf(port));
    env.put("BATON_OUTCOMES_PARTITIONS", String.valueOf(OUTCOME_PARTITIONS));
    env.put("BATON_AUDIT_ENABLED", "false");
    env.put("BATON_PROJECTION_ENABLED", "false");
    String bootstrap = KafkaTestCluster.bootstrapServers();
    try (ChildNodes children = new ChildNodes()) {
      ChildNodes.Child node = children.start("node", dir.resolve("node-1.log"), env, "up");
      children.await(
          "the node is healthy", () -> ChildNodes.status(http, base + "/v1/health") == 200);
      Queued queued = queueBehindAlice(base, bootstrap, Topics.withPrefix(prefix));

      node.kill();
      long restarted = System.nanoTime();
      ChildNodes.Child again = children.start("node-again", dir.resolve("node-2.log"), env, "up");
      children.await(
          "the node serves again",
          Duration.ofSeconds(120),
          List.of(again),
          () -> queued(base, "src/Sync.java", "bob"));
      System.out.printf(
          "queued retry after kill -9: the node served again %.1f s after the restart%n",
          (System.nanoTime() - restarted) / 1e9);
      retryAndRelease("kill -9", queued, base, bootstrap);
    }
  }

  /**
   * What was queued before the crash: the keys and command id to retry with, and dave's first
   * client, closed at the end.
   */
  private record Queued(
      String bobKey, String carolKey, String daveCommand, Topics topics, BatonClient dave) {}

  /**
   * alice holds three files; bob long-polls the first, carol asks async for the second, dave's SDK
   * client (reply partition 0) queues for the third by command id.
   */
  private Queued queueBehindAlice(String base, String bootstrap, Topics topics) throws IOException {
    for (String file : FILES) {
      HttpResponse<String> held = acquire(base, "alice", file, 0, false, null).join();
      assertThat(held.statusCode()).as(held.body()).isEqualTo(200);
    }
    String bobKey = "bob-" + UUID.randomUUID();
    String carolKey = "carol-" + UUID.randomUUID();
    String daveCommand = "dave-" + UUID.randomUUID();
    CompletableFuture<HttpResponse<String>> bobFirst =
        acquire(base, "bob", "src/Sync.java", 600_000, false, bobKey);
    HttpResponse<String> carolFirst =
        acquire(base, "carol", "src/Async.java", 600_000, true, carolKey).join();
    assertThat(carolFirst.statusCode()).as(carolFirst.body()).isEqualTo(202);
    assertThat(json(carolFirst).path("status").asText()).isEqualTo("QUEUED");
    BatonClient dave = client(bootstrap, topics, "dave", 0);
    CompletableFuture<LockGrant> daveFirst =
        dave.locks().acquire(request("src/Sdk.java", daveCommand, o -> {}));
    awaitTrue(
        "bob, carol and dave queued",
        () ->
            queued(base, "src/Sync.java", "bob")
                && queued(base, "src/Async.java", "carol")
                && queued(base, "src/Sdk.java", "dave"));
    assertThat(bobFirst).isNotDone();
    assertThat(daveFirst).isNotDone();
    // dave's first client is left as a crashed one would be: closing it would cancel its request
    return new Queued(bobKey, carolKey, daveCommand, topics, dave);
  }

  /**
   * After the restart: every retry is told its progress at once; alice releases; bob's long poll
   * and dave's new client get the grants, and carol's async retry turns from 202 to 200.
   */
  private void retryAndRelease(String crash, Queued q, String base, String bootstrap)
      throws Exception {
    awaitTrue("the lock status after the restart", () -> queued(base, "src/Sync.java", "bob"));
    try (KafkaConsumer<String, byte[]> outcomes = outcomeReader(bootstrap, q.topics());
        BatonClient daveAgain = client(bootstrap, q.topics(), "dave", 1)) {
      // when: the retries reach the new node and a new client
      CompletableFuture<HttpResponse<String>> bobRetry =
          acquire(base, "bob", "src/Sync.java", 600_000, false, q.bobKey());
      HttpResponse<String> carolRetry =
          acquire(base, "carol", "src/Async.java", 600_000, true, q.carolKey()).join();
      List<Outcome> daveProgress = new CopyOnWriteArrayList<>();
      CompletableFuture<LockGrant> daveRetry =
          daveAgain.locks().acquire(request("src/Sdk.java", q.daveCommand(), daveProgress::add));

      // then: progress first
      assertThat(carolRetry.statusCode()).as(carolRetry.body()).isEqualTo(202);
      assertThat(json(carolRetry).path("status").asText()).isEqualTo("DUPLICATE");
      assertThat(json(carolRetry).path("originalStatus").asText()).isEqualTo("QUEUED");
      assertThat(json(carolRetry).path("position").asInt()).isEqualTo(1);
      awaitTrue("dave's retry told it waits", () -> !daveProgress.isEmpty());
      assertThat(daveProgress.get(0).originalStatus()).isEqualTo(OutcomeStatus.QUEUED);
      assertThat(daveProgress.get(0).position()).isEqualTo(1);
      // bob's long poll holds its answer: wait until the topology has answered his retry
      awaitOutcome(
          outcomes,
          o ->
              o.status() == OutcomeStatus.DUPLICATE
                  && o.originalStatus() == OutcomeStatus.QUEUED
                  && o.lock() != null
                  && "src/Sync.java".equals(o.lock().resource()));
      assertThat(bobRetry).isNotDone();

      // when: alice releases all three
      long released = System.nanoTime();
      for (String file : FILES) {
        HttpResponse<String> release = release(base, "alice", file);
        assertThat(release.statusCode()).as(release.body()).isEqualTo(200);
      }

      // then: the waiting retries get their grants
      HttpResponse<String> bobGranted = bobRetry.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
      double bobSeconds = (System.nanoTime() - released) / 1e9;
      assertThat(bobGranted.statusCode()).as(bobGranted.body()).isEqualTo(200);
      assertThat(json(bobGranted).path("status").asText()).isEqualTo("GRANTED");
      assertThat(json(bobGranted).path("token").asLong()).isEqualTo(2L);
      LockGrant daveGranted = daveRetry.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
      double daveSeconds = (System.nanoTime() - released) / 1e9;
      assertThat(daveGranted.token()).isEqualTo(2L);
      System.out.printf(
          "queued retry after %s: bob's long poll answered GRANTED %.2f s after alice's"
              + " release, dave's SDK retry %.2f s%n",
          crash, bobSeconds, daveSeconds);

      awaitTrue("carol granted", () -> holds(base, "src/Async.java", "carol"));
      HttpResponse<String> carolGranted =
          acquire(base, "carol", "src/Async.java", 600_000, true, q.carolKey()).join();
      assertThat(carolGranted.statusCode()).as(carolGranted.body()).isEqualTo(200);
      assertThat(json(carolGranted).path("originalStatus").asText()).isEqualTo("GRANTED");
      assertThat(json(carolGranted).path("token").asLong()).isEqualTo(2L);
    } finally {
      q.dave().close();
    }
  }

  private LockRequest request(
      String file, String commandId, java.util.function.Consumer<Outcome> q) {
    return LockRequest.of(file, LockMode.EXCLUSIVE)
        .withWait(Duration.ofMinutes(10))
        .withCommandId(commandId)
        .onQueued(q);
  }

  private BatonClient client(String bootstrap, Topics topics, String agent, int replyPartition) {
    return BatonClient.builder()
        .bootstrapServers(bootstrap)
        .topics(topics)
        .agent(agent)
        .workspace(workspace)
        .replyPartition(replyPartition)
        .requestTimeout(Duration.ofSeconds(30))
        .build();
  }

  private CompletableFuture<HttpResponse<String>> acquire(
      String base, String agent, String file, long waitMs, boolean async, String key) {
    String body =
        "{\"resource\":\""
            + file
            + "\",\"mode\":\"EXCLUSIVE\",\"waitMs\":"
            + waitMs
            + (async ? ",\"async\":true" : "")
            + "}";
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/v1/locks/" + workspace + "/acquire"))
            .header("Content-Type", "application/json")
            .header("X-Baton-Agent", agent)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> release(String base, String agent, String file) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/v1/locks/" + workspace + "/release"))
            .header("Content-Type", "application/json")
            .header("X-Baton-Agent", agent)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString("{\"resource\":\"" + file + "\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode lock(String base, String file) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          base
                              + "/v1/locks/"
                              + workspace
                              + "?resource="
                              + URLEncoder.encode(file, StandardCharsets.UTF_8)))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Json.mapper().readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private boolean queued(String base, String file, String agent) {
    JsonNode lock = lock(base, file);
    return lock != null && lock.path("queue").findValuesAsText("agent").contains(agent);
  }

  private boolean holds(String base, String file, String agent) {
    JsonNode lock = lock(base, file);
    return lock != null && lock.path("holders").findValuesAsText("agent").contains(agent);
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    return Json.mapper().readTree(r.body());
  }

  /** Reads every partition of the namespace's outcomes topic from the start. */
  private static KafkaConsumer<String, byte[]> outcomeReader(String bootstrap, Topics topics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    String topic = topics.outcomes();
    List<TopicPartition> all =
        consumer.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(all);
    consumer.seekToBeginning(all);
    return consumer;
  }

  private static void awaitOutcome(KafkaConsumer<String, byte[]> consumer, Predicate<Outcome> seen)
      throws IOException {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (seen.test(Json.mapper().readValue(r.value(), Outcome.class))) {
          return;
        }
      }
    }
    throw new AssertionError("no such outcome within " + AWAIT);
  }

  private static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
