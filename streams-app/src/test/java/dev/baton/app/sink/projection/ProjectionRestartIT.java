package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.JsonSerde;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * How soon a projection sink killed with kill -9 and started again resumes, with dynamic group
 * membership and with {@code baton.projection.group.instance.id} (static). A measurement, not a
 * check of timing: run it alone with {@code BATON_MEASURE=1} (see docs/benchmarks.md); it prints
 * the seconds from the restart to the first new event applied.
 */
@EnabledIfEnvironmentVariable(named = "BATON_MEASURE", matches = "1")
class ProjectionRestartIT {
  @TempDir Path dir;

  @Test
  void measureResumeAfterKillNine() throws Exception {
    double dynamic = resume("dynamic", null);
    double fixed = resume("static", "projection-pod-0");
    System.out.printf(
        "projection resume after kill -9: dynamic membership %.1f s, static membership %.1f s%n",
        dynamic, fixed);
    assertThat(fixed).isPositive();
  }

  private double resume(String name, String instance) throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    String topic = prefix + "baton.events";
    KafkaTestCluster.createTopics(3, topic);
    String url = "jdbc:sqlite:" + dir.resolve(name + ".db");
    String group = prefix + "projection";
    produce(topic, 0, 300);
    Process first = SinkProcess.start(topic, url, group, instance);
    awaitApplied(url, topic, 300);
    first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    produce(topic, 300, 3);
    long restarted = System.nanoTime();
    Process second = SinkProcess.start(topic, url, group, instance);
    try {
      awaitApplied(url, topic, 303);
      return (System.nanoTime() - restarted) / 1e9;
    } finally {
      second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void produce(String topic, int from, int count) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestCluster.bootstrapServers());
    try (KafkaProducer<String, Event> producer =
        new KafkaProducer<>(p, new StringSerializer(), JsonSerde.of(Event.class).serializer())) {
      for (int i = from; i < from + count; i++) {
        String key = AggregateKeys.task("default", "t" + i);
        Event e =
            new Event(
                "e" + i,
                EventType.TASK_CREATED,
                key,
                1L,
                "a",
                "c" + i,
                Instant.now(),
                Json.mapper()
                    .createObjectNode()
                    .put("id", "t" + i)
                    .put("workspace", "default")
                    .put("title", "t" + i)
                    .put("version", 1));
        producer.send(new ProducerRecord<>(topic, key, e)).get();
      }
    }
  }

  private static void awaitApplied(String url, String topic, int tasks) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      try (ProjectionDatabase db = ProjectionDatabase.openReadOnly(url);
          ProjectionReader reader = db.snapshot()) {
        if (reader.counts().get(RowKind.TASK) >= tasks) {
          return;
        }
      } catch (java.sql.SQLException e) {
        // not created yet
      }
      synchronized (ProjectionRestartIT.class) {
        ProjectionRestartIT.class.wait(50);
      }
    }
    throw new AssertionError("the projection did not reach " + tasks + " tasks in 3 minutes");
  }
}
