package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.sink.SinkStatus;
import dev.baton.app.testing.Eventually;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.app.testing.RogueMember;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.JsonSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The projection sink whose static membership is taken by another consumer with its {@code
 * group.instance.id} (what a group coordinator that reloaded a stale member id after a broker
 * restart does to it): its consumer is fenced, the sink reports FAULTED ({@code consume}), makes a
 * new consumer and goes on from its stored offsets, so that every event has its row, each event is
 * read once, and the offsets reach the log's end.
 */
@Timeout(180)
class ProjectionSinkFencedIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;

  // task id -> partition@offset of the event that created it
  private final SortedMap<String, String> produced = new TreeMap<>();
  private final SortedMap<Integer, Long> end = new TreeMap<>();

  private void produce(KafkaProducer<String, Event> producer, String topic, int count)
      throws Exception {
    int from = produced.size();
    for (int k = from; k < from + count; k++) {
      String id = "task-" + k;
      Event e = Rows.taskCreated(id);
      RecordMetadata m = producer.send(new ProducerRecord<>(topic, e.key(), e)).get();
      produced.put(id, m.partition() + "@" + m.offset());
      end.merge(m.partition(), m.offset() + 1, Math::max);
    }
  }

  /** Each task row's id and the position of the event it came from. */
  private static SortedMap<String, String> tasks(String url) throws Exception {
    SortedMap<String, String> rows = new TreeMap<>();
    try (ProjectionDatabase db = ProjectionDatabase.openReadOnly(url);
        ProjectionReader reader = db.snapshot()) {
      for (ProjectionRow r : reader.all(RowKind.TASK)) {
        String previous = rows.put(r.data().get("id").asText(), r.partition() + "@" + r.offset());
        assertThat(previous).as("a second row of task %s", r.key()).isNull();
      }
    }
    return rows;
  }

  @Test
  void shouldComeBackWithANewConsumerAndApplyEveryEventOnce_whenItsStaticMembershipIsFenced()
      throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    String topic = prefix + "baton.events";
    String group = prefix + "projection";
    String instance = "node-1-projection";
    KafkaTestCluster.createTopics(3, topic);
    String url = "jdbc:sqlite:" + dir.resolve("baton.db");
    ProjectionSink.Settings settings =
        new ProjectionSink.Settings(
            KafkaTestCluster.bootstrapServers(), topic, group, instance, url, 100, null, Map.of());
    try (KafkaProducer<String, Event> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestCluster.bootstrapServers()),
            new StringSerializer(),
            JsonSerde.of(Event.class).serializer())) {
      produce(producer, topic, 20);
      ProjectionSink sink = ProjectionSink.start(settings);
      try {
        Eventually.until(
            "the projection at the log end", DEADLINE, () -> Rows.offsets(url, topic).equals(end));
        assertThat(sink.status().state()).isEqualTo(SinkStatus.State.RUNNING);
        assertThat(sink.faults()).isZero();

        RogueMember.fenceAndAwaitRecovery(
            sink::status,
            group,
            instance,
            topic,
            DEADLINE,
            () -> produce(producer, topic, 20),
            () -> Rows.offsets(url, topic).equals(end));

        produce(producer, topic, 10);
        Eventually.until(
            "the last events projected", DEADLINE, () -> Rows.offsets(url, topic).equals(end));
        // Read once each: the new consumer started at the stored offsets, not before them.
        assertThat(sink.appliedEvents()).isEqualTo(produced.size());
      } finally {
        sink.close();
      }
    }
    assertThat(produced).hasSize(70);
    assertThat(tasks(url)).isEqualTo(produced);
    assertThat(Rows.offsets(url, topic)).isEqualTo(end);
  }
}
