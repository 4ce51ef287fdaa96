package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.io.FaultyFileIo;
import dev.baton.app.io.FaultyFileIo.Op;
import dev.baton.app.sink.SinkStatus;
import dev.baton.app.sink.projection.checkpoint.CheckpointManifest;
import dev.baton.app.sink.projection.checkpoint.CheckpointStore;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.JsonSerde;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The projection sink against a real broker while its checkpoints and state.json cannot be written
 * (the fault-injecting file seam): the sink reports FAULTED naming the step and folder, the
 * projection itself keeps applying events (its transactions do not depend on the exports), no
 * damaged checkpoint appears, and once the fault is cleared a checkpoint at the log's end is
 * written whose data checks out, and state.json catches up.
 */
@Timeout(120)
class ProjectionDiskFaultIT {
  @TempDir Path dir;

  private final FaultyFileIo io = new FaultyFileIo();
  private final SortedMap<Integer, Long> end = new TreeMap<>();

  private static void await(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " never happened");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private void produce(KafkaProducer<String, Event> producer, String topic, int from, int to)
      throws Exception {
    for (int k = from; k < to; k++) {
      Event e = Rows.taskCreated("task-" + k);
      RecordMetadata m = producer.send(new ProducerRecord<>(topic, e.key(), e)).get();
      end.merge(m.partition(), m.offset() + 1, Math::max);
    }
  }

  @Test
  void shouldFaultOnCheckpointsAndStateFileKeepProjectingAndCatchUpOnceCleared() throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    String topic = prefix + "baton.events";
    KafkaTestCluster.createTopics(3, topic);
    String url = "jdbc:sqlite:" + dir.resolve("baton.db");
    Path exportDir = dir.resolve("export");
    CheckpointStore store = new CheckpointStore(exportDir.resolve("checkpoints"));
    ProjectionSink.Settings settings =
        new ProjectionSink.Settings(
            KafkaTestCluster.bootstrapServers(),
            topic,
            prefix + "projection",
            null,
            url,
            100,
            ExportsDiskFaultTest.fastExports(exportDir),
            Map.of());
    try (KafkaProducer<String, Event> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestCluster.bootstrapServers()),
            new StringSerializer(),
            JsonSerde.of(Event.class).serializer())) {
      ProjectionSink sink = ProjectionSink.start(settings, io);
      try {
        produce(producer, topic, 0, 30);
        await("the projection at the log end", () -> Rows.offsets(url, topic).equals(end));
        await("a first checkpoint", () -> !store.manifests().isEmpty());

        io.failAlways(Op.FORCE, FaultyFileIo.EIO, p -> p.toString().contains("checkpoints"));
        await("FAULTED by a checkpoint", () -> sink.status().state() == SinkStatus.State.FAULTED);
        SinkStatus faulted = sink.status();
        assertThat(faulted.fault().operation()).isEqualTo("checkpoint");
        assertThat(faulted.fault().path())
            .isEqualTo(exportDir.resolve("checkpoints").toAbsolutePath().toString());
        assertThat(faulted.fault().error()).contains(FaultyFileIo.EIO);
        assertThat(faulted.faults()).isPositive();
        io.failAlways(Op.MOVE, FaultyFileIo.ENOSPC, p -> p.endsWith("state.json"));
        produce(producer, topic, 30, 60);
        await(
            "state.json fails too",
            () -> {
              SinkStatus.Fault f = sink.status().fault();
              return f != null && f.operation().equals("state.json");
            });
        await(
            "the projection at the log end while faulted",
            () -> Rows.offsets(url, topic).equals(end));
        assertThat(Files.readString(exportDir.resolve("state.json"))).doesNotContain("task-59");
        int before = store.manifests().size();
        assertThat(store.list()).allMatch(CheckpointStore.Entry::ok);

        io.clear();
        await("RUNNING again", () -> sink.status().state() == SinkStatus.State.RUNNING);
        await(
            "a checkpoint at the log end",
            () -> {
              List<CheckpointManifest> all = store.manifests();
              return all.size() > before && all.get(all.size() - 1).offsets().equals(end);
            });
        List<CheckpointManifest> all = store.manifests();
        CheckpointManifest newest = all.get(all.size() - 1);
        assertThat(store.verifiedChain(newest.id())).isNotEmpty();
        assertThat(store.list()).allMatch(CheckpointStore.Entry::ok);
        await(
            "state.json with the last task",
            () -> {
              try {
                return Files.readString(exportDir.resolve("state.json")).contains("task-59");
              } catch (java.io.IOException e) {
                return false;
              }
            });
      } finally {
        sink.close();
      }
    }
    assertThat(io.injected()).isPositive();
  }
}
