package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.sink.projection.verify.StateDiff;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.JsonSerde;
import dev.baton.sdk.protocol.TaskStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a projection sink process while it applies a backlog, again and again: after every
 * kill the projection's rows are exactly the log replayed up to its stored offsets (nothing lost,
 * nothing applied beyond them), and after the last restart it holds the whole log. Aborted
 * transactions never show.
 */
class ProjectionSinkCrashIT {
  private static final int KEYS = 400;
  private static final int EVENTS = 16_000;
  private static final int PER_TRANSACTION = 200;
  private static final int KILLS = 5;

  @TempDir Path dir;

  private record Produced(int partition, long offset, Event event) {}

  @Test
  void shouldKeepRowsAndOffsetsConsistentAcrossRepeatedKillNine() throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    String topic = prefix + "baton.events";
    KafkaTestCluster.createTopics(3, topic);
    List<Produced> committed = produce(topic, prefix);
    String url = "jdbc:sqlite:" + dir.resolve("baton.db");
    SortedMap<Integer, Long> end = new TreeMap<>();
    committed.forEach(p -> end.merge(p.partition(), p.offset() + 1, Math::max));

    long previous = 0;
    int consistentAfterKill = 0;
    for (int run = 0; run < KILLS; run++) {
      Process child = SinkProcess.start(topic, url, prefix + "projection-" + run, null);
      try {
        long target = previous + 1 + ThreadLocalRandom.current().nextInt(EVENTS / (KILLS + 2));
        previous = awaitProgress(url, topic, target, child);
      } finally {
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      ProjectionState state = assertConsistent(url, topic, committed);
      System.out.printf(
          "kill -9 #%d after %d offsets: %d rows consistent with the log%n",
          run + 1, previous, state.size());
      consistentAfterKill++;
    }
    Process last = SinkProcess.start(topic, url, prefix + "projection-final", null);
    try {
      awaitOffsets(url, topic, end, last);
    } finally {
      last.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    ProjectionState finalState = assertConsistent(url, topic, committed);

    assertThat(consistentAfterKill).isEqualTo(KILLS);
    assertThat(finalState.size()).isEqualTo(KEYS);
    assertThat(finalState.values())
        .allSatisfy(row -> assertThat(row.data().path("title").asText()).doesNotContain("ABORTED"));
  }

  private static List<Produced> produce(String topic, String prefix) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestCluster.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "crash-producer");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    List<Produced> committed = new ArrayList<>();
    long[] versions = new long[KEYS];
    try (KafkaProducer<String, Event> producer =
        new KafkaProducer<>(p, new StringSerializer(), JsonSerde.of(Event.class).serializer())) {
      producer.initTransactions();
      for (int sent = 0; sent < EVENTS; sent += PER_TRANSACTION) {
        producer.beginTransaction();
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < PER_TRANSACTION; i++) {
          int k = (sent + i) % KEYS;
          Event e = taskEvent(k, ++versions[k], "v" + versions[k]);
          events.add(e);
          futures.add(producer.send(new ProducerRecord<>(topic, e.key(), e)));
        }
        producer.commitTransaction();
        for (int i = 0; i < futures.size(); i++) {
          RecordMetadata m = futures.get(i).get();
          committed.add(new Produced(m.partition(), m.offset(), events.get(i)));
        }
        if (sent % (PER_TRANSACTION * 20) == 0) {
          // An aborted transaction with higher versions must never reach the projection.
          producer.beginTransaction();
          for (int k = 0; k < 10; k++) {
            Event e = taskEvent(k, versions[k] + 1000, "ABORTED");
            producer.send(new ProducerRecord<>(topic, e.key(), e));
          }
          producer.flush();
          producer.abortTransaction();
        }
      }
    }
    return committed;
  }

  private static Event taskEvent(int k, long version, String note) {
    String id = "task-" + k;
    var row =
        Rows.task("default", id, version, TaskStatus.IN_PROGRESS, List.of("l" + (k % 9)), 0, 0);
    ((com.fasterxml.jackson.databind.node.ObjectNode) row.data()).put("title", id + " " + note);
    return new Event(
        "e-" + id + "-" + version,
        EventType.TASK_UPDATED,
        AggregateKeys.task("default", id),
        version,
        "agent",
        "c-" + version,
        Rows.T0,
        row.data());
  }

  /** Waits until the projection holds at least {@code target} offsets in total; returns them. */
  private static long awaitProgress(String url, String topic, long target, Process child)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertThat(child.isAlive()).as("sink process alive").isTrue();
      long total = offsets(url, topic).values().stream().mapToLong(Long::longValue).sum();
      if (total >= target) {
        return total;
      }
      waitBriefly();
    }
    throw new AssertionError("projection did not reach " + target + " offsets in 60 s");
  }

  private static void awaitOffsets(
      String url, String topic, SortedMap<Integer, Long> end, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertThat(child.isAlive()).as("sink process alive").isTrue();
      SortedMap<Integer, Long> at = offsets(url, topic);
      if (end.entrySet().stream().allMatch(e -> at.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
        return;
      }
      waitBriefly();
    }
    throw new AssertionError("projection did not reach the log end " + end + " in 60 s");
  }

  private static SortedMap<Integer, Long> offsets(String url, String topic) throws Exception {
    if (!java.nio.file.Files.exists(Path.of(ProjectionDatabase.sqliteFile(url)))) {
      return new TreeMap<>();
    }
    try (ProjectionDatabase db = ProjectionDatabase.openReadOnly(url);
        ProjectionReader reader = db.snapshot()) {
      return reader.offsets(topic);
    } catch (java.sql.SQLException e) {
      // The child has not created the schema yet.
      return new TreeMap<>();
    }
  }

  private static ProjectionState assertConsistent(
      String url, String topic, List<Produced> committed) throws Exception {
    ProjectionState actual = new ProjectionState();
    SortedMap<Integer, Long> at;
    try (ProjectionDatabase db = ProjectionDatabase.open(url);
        ProjectionReader reader = db.snapshot()) {
      at = reader.offsets(topic);
      reader.forEach(RowKind.TASK, actual::apply);
    }
    ProjectionState expected = new ProjectionState();
    for (Produced p : committed) {
      if (p.offset() < at.getOrDefault(p.partition(), 0L)) {
        EventRows.rowOf(p.event(), p.partition(), p.offset()).ifPresent(expected::apply);
      }
    }
    assertThat(StateDiff.compare("projection", expected, actual, EnumSet.allOf(RowKind.class)))
        .as("projection at offsets %s", at)
        .isEmpty();
    assertThat(actual.values())
        .allSatisfy(
            row -> assertThat(row.offset()).isLessThan(at.getOrDefault(row.partition(), 0L)));
    return actual;
  }

  private static void waitBriefly() throws InterruptedException {
    Object monitor = new Object();
    synchronized (monitor) {
      monitor.wait(20);
    }
  }
}
