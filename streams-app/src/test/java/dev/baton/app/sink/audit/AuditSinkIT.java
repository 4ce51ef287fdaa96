package dev.baton.app.sink.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.check.EventLogReader;
import dev.baton.app.cli.CliRun;
import dev.baton.app.config.AppConfig;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.app.testing.TestBaton;
import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.TaskStatus;
import dev.baton.sdk.protocol.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The audit sink inside a Baton node and against the test cluster. */
@Timeout(180)
class AuditSinkIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dataDir;

  @Test
  void shouldRecoverTheTasksAndLocksTheServiceHoldsAndVerifyUntilAByteIsEdited() throws Exception {
    Path auditDir = dataDir.resolve("export/audit");
    TestBaton baton =
        TestBaton.start(
            dataDir,
            Map.of(AppConfig.AUDIT_SEGMENT_MAX_LINES, 7L, AppConfig.AUDIT_FSYNC_INTERVAL_MS, 20L));
    try (BatonClient alice = baton.client("alice");
        BatonClient bob = baton.client("bob")) {
      traffic(alice, bob);
      int events =
          EventLogReader.read(
                  baton.service().bootstrapServers(), baton.config().topics().events(), DEADLINE)
              .events()
              .size();
      await("the audit trail holds all " + events + " events", () -> lines(auditDir) >= events);

      JsonNode recovered = Json.mapper().readTree(recover(auditDir));
      assertThat(byId(recovered.get("tasks"))).isEqualTo(byId(httpTasks(baton)));
      assertThat(byKey(recovered.get("locks"))).isEqualTo(storeLocks(baton));
      assertThat(recovered.get("tasks")).hasSize(12);
      assertThat(recovered.get("locks")).hasSizeGreaterThanOrEqualTo(2);
      CliRun live = CliRun.of("audit", "verify", auditDir.toString());
      assertThat(live.exitCode()).as(live.toString()).isZero();
    } finally {
      baton.close();
    }

    Path closed;
    try (var files = Files.walk(auditDir)) {
      closed =
          files
              .filter(f -> f.toString().endsWith(".jsonl"))
              .max(Comparator.comparingLong(AuditSinkIT::size))
              .orElseThrow();
    }
    String name = auditDir.relativize(closed).toString();
    assertThat(CliRun.of("audit", "verify", auditDir.toString()).exitCode()).isZero();
    byte[] bytes = Files.readAllBytes(closed);
    int secondLine = new String(bytes, StandardCharsets.UTF_8).indexOf('\n') + 1;
    bytes[secondLine + 40] ^= 0x01;
    Files.write(closed, bytes);

    CliRun edited = CliRun.of("audit", "verify", auditDir.toString());
    assertThat(edited.exitCode()).isEqualTo(1);
    assertThat(edited.out()).contains("FAILED " + name + ":2: ");
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void traffic(BatonClient alice, BatonClient bob) throws Exception {
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      pending.add(alice.tasks().create(NewTask.titled("Task " + i).withId("t" + i)));
    }
    await(pending);
    pending.clear();
    for (int i = 0; i < 12; i += 2) {
      pending.add(bob.tasks().claim("t" + i));
    }
    await(pending);
    pending.clear();
    for (int i = 0; i < 12; i += 4) {
      pending.add(bob.tasks().transition("t" + i, TaskStatus.IN_PROGRESS));
    }
    await(pending);
    ObjectNode patch = Json.mapper().createObjectNode().put("description", "from alice");
    get(alice.tasks().update("t1", 1, patch));
    get(
        alice
            .locks()
            .acquire("src/App.java", LockMode.EXCLUSIVE, Duration.ofMinutes(5), Duration.ZERO));
    CompletableFuture<?> queued =
        bob.locks()
            .acquire(
                "src/App.java", LockMode.EXCLUSIVE, Duration.ofMinutes(5), Duration.ofSeconds(30));
    get(alice.locks().release("src/App.java"));
    get(queued);
    get(
        alice
            .locks()
            .acquire("task/t3", LockMode.COLLABORATIVE, Duration.ofMinutes(5), Duration.ZERO));
    get(
        bob.locks()
            .acquire("task/t3", LockMode.COLLABORATIVE, Duration.ofMinutes(5), Duration.ZERO));
  }

  private static void await(List<CompletableFuture<?>> futures) throws Exception {
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }

  private static Object get(CompletableFuture<?> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  private static String recover(Path auditDir) {
    CliRun run = CliRun.of("audit", "recover", auditDir.toString());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run.out();
  }

  private static JsonNode httpTasks(TestBaton baton) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(baton.httpBase() + "/v1/tasks?workspace=default&limit=1000"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.mapper().readTree(response.body()).get("tasks");
  }

  private static Map<String, JsonNode> byId(JsonNode tasks) {
    Map<String, JsonNode> out = new TreeMap<>();
    tasks.forEach(t -> out.put(t.get("id").asText(), t));
    return out;
  }

  private static Map<String, JsonNode> byKey(JsonNode locks) {
    Map<String, JsonNode> out = new TreeMap<>();
    locks.forEach(l -> out.put(l.get("key").asText(), l));
    return out;
  }

  private static Map<String, JsonNode> storeLocks(TestBaton baton) throws IOException {
    ReadOnlyKeyValueStore<String, LockState> store =
        baton
            .service()
            .streams()
            .store(
                StoreQueryParameters.fromNameAndType(
                    StoreNames.LOCKS, QueryableStoreTypes.<String, LockState>keyValueStore()));
    Map<String, JsonNode> out = new TreeMap<>();
    try (KeyValueIterator<String, LockState> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, LockState> kv = all.next();
        // Through text, so numbers compare as the recovered JSON's do.
        out.put(kv.key, Json.mapper().readTree(Json.mapper().writeValueAsString(kv.value)));
      }
    }
    return out;
  }

  @Test
  void shouldRepublishEveryEventOnceEvenWhenRunTwice() throws Exception {
    Path auditDir = dataDir.resolve("audit");
    AuditSinkSettings s =
        AuditFixtures.settings(
            auditDir, new AuditSinkSettings.Rotation(1L << 30, Duration.ofDays(1), 50));
    AuditFixtures.writeLines(s, 0, 120, new AtomicLong(AuditFixtures.T0));
    AuditFixtures.writeLines(s, 2, 80, new AtomicLong(AuditFixtures.T0));
    String topic = Topics.withPrefix(KafkaTestCluster.uniqueTopicPrefix()).events();
    String bootstrap = KafkaTestCluster.bootstrapServers();

    CliRun onlyTwo =
        CliRun.of(
            "audit",
            "republish",
            auditDir.toString(),
            "--bootstrap",
            bootstrap,
            "--topic",
            topic,
            "--partition",
            "2");
    CliRun all =
        CliRun.of(
            "audit", "republish", auditDir.toString(), "--bootstrap", bootstrap, "--topic", topic);
    CliRun again =
        CliRun.of(
            "audit", "republish", auditDir.toString(), "--bootstrap", bootstrap, "--topic", topic);

    assertThat(onlyTwo.exitCode()).as(onlyTwo.toString()).isZero();
    assertThat(onlyTwo.out()).contains("republished 80 events");
    assertThat(all.out()).contains("republished 120 events").contains("80 were there already");
    assertThat(again.out()).contains("republished 0 events").contains("200 were there already");
    Map<Integer, List<Long>> sourceOffsets = readBack(bootstrap, topic);
    assertThat(sourceOffsets.get(0)).hasSize(120).isSorted().doesNotHaveDuplicates();
    assertThat(sourceOffsets.get(2)).hasSize(80).isSorted().doesNotHaveDuplicates();
    assertThat(sourceOffsets.get(1)).isEmpty();
  }

  /** Per target partition, the source offsets in the order the records sit there. */
  private static Map<Integer, List<Long>> readBack(String bootstrap, String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<Integer, List<Long>> out = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        tps.add(new TopicPartition(topic, p));
        out.put(p, new ArrayList<>());
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      await(
          "read back " + topic,
          () -> {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
              out.get(r.partition())
                  .add(
                      java.nio.ByteBuffer.wrap(
                              r.headers().lastHeader(Republisher.OFFSET_HEADER).value())
                          .getLong());
            }
            return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
          });
    }
    return out;
  }

  private static long lines(Path auditDir) {
    if (!Files.isDirectory(auditDir)) {
      return 0;
    }
    try {
      long n = 0;
      for (int p : new AuditDirectory(auditDir).partitions()) {
        for (PartitionScanner.Item item : AuditFixtures.scan(auditDir, p)) {
          n += item.ok() ? 1 : 0;
        }
      }
      return n;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + DEADLINE + " waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }
}
