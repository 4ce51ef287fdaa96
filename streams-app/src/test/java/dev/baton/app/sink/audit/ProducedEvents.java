package dev.baton.app.sink.audit;

import dev.baton.app.testing.KafkaTestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Events produced to a test topic of three partitions, and the audit trail a sink makes of them in
 * {@code dir}, for the audit sink's tests against the test cluster.
 */
final class ProducedEvents implements AutoCloseable {
  private final String topic;
  private final Path dir;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Set<String> produced = new TreeSet<>();

  ProducedEvents(String topic, Path dir) {
    this.topic = topic;
    this.dir = dir;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestCluster.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.LINGER_MS_CONFIG,
                0));
  }

  /**
   * The settings of a sink of {@code topic} into {@code dir} that fsyncs every 10 ms and closes a
   * segment every {@code maxLines} lines; {@code instance} is its static membership or null.
   */
  static AuditSinkSettings settings(
      Path dir, String topic, String group, String instance, long maxLines) {
    return new AuditSinkSettings(
        dir,
        KafkaTestCluster.bootstrapServers(),
        topic,
        group,
        instance,
        new AuditSinkSettings.Rotation(50L << 20, Duration.ofHours(1), maxLines),
        Duration.ofMillis(10),
        1,
        false,
        new AuditSinkSettings.Retention(-1, -1),
        Map.of());
  }

  /** Produces {@code count} more events and waits until the broker has them. */
  void produce(int count) throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String key = "default/task/t" + (produced.size() + i);
      byte[] value = AuditFixtures.simpleEvent(key, 1, "alice", System.currentTimeMillis());
      sent.add(
          producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)));
    }
    for (Future<RecordMetadata> f : sent) {
      RecordMetadata m = f.get(30, TimeUnit.SECONDS);
      produced.add(m.partition() + "@" + m.offset());
    }
  }

  /** Every event produced, as partition@offset. */
  Set<String> produced() {
    return Set.copyOf(produced);
  }

  /** Every line in the trail as partition@offset, in the files' order. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      for (PartitionScanner.Item item : AuditFixtures.scan(dir, p)) {
        if (item.line() != null && item.ok()) {
          out.add(p + "@" + item.line().offset());
        }
      }
    }
    return out;
  }

  /** Whether every event produced is in the trail. */
  boolean allWritten() {
    try {
      return new TreeSet<>(lines()).containsAll(produced);
    } catch (RuntimeException e) {
      return false; // a partition's open segment mid-write
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
