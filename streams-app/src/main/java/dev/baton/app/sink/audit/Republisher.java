package dev.baton.app.sink.audit;

import dev.baton.app.config.KafkaAccess;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the audit trail back into a Kafka topic, for disaster recovery when the topic's own
 * retention (or the cluster) lost events. Each line goes to the partition it came from, with its
 * key, value and timestamp, and two headers naming where it came from: {@value #PARTITION_HEADER}
 * and {@value #OFFSET_HEADER} (8-byte big-endian).
 *
 * <p>Idempotent: before writing a partition it reads what the target partition already holds
 * ({@code read_committed}) and goes on after the highest source offset found in those headers.
 * Lines are written in transactions of {@value #BATCH} under one transactional id per target topic,
 * so an interrupted run leaves only whole, committed batches and a second run neither duplicates
 * nor skips. Lines with a problem are reported and not written.
 */
public final class Republisher {
  public static final String PARTITION_HEADER = "baton.audit.partition";
  public static final String OFFSET_HEADER = "baton.audit.offset";
  static final int BATCH = 500;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Republisher() {}

  /**
   * What a run did.
   *
   * @param written lines written
   * @param alreadyThere lines skipped because the target already had them
   * @param problems lines not written because of damage
   */
  public record Result(long written, long alreadyThere, long problems) {}

  /**
   * Republishes every partition of {@code dir} (that {@code filter} includes) to {@code topic},
   * creating the topic (retention forever) when it does not exist.
   */
  public static Result republish(
      AuditDirectory dir,
      KafkaAccess kafka,
      String topic,
      AuditFilter filter,
      Consumer<PartitionScanner.Problem> onProblem,
      LongConsumer progress) {
    List<Integer> partitions = dir.partitions().stream().filter(filter::includesPartition).toList();
    if (partitions.isEmpty()) {
      return new Result(0, 0, 0);
    }
    ensureTopic(kafka, topic, partitions.get(partitions.size() - 1) + 1);
    long written = 0;
    long skipped = 0;
    long problems = 0;
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka, topic)) {
      producer.initTransactions();
      for (int partition : partitions) {
        long after = highestRepublished(kafka, topic, partition);
        // The whole partition is read, so its chain is checked from the start.
        try (PartitionScanner scanner = new PartitionScanner(dir, partition)) {
          int inBatch = 0;
          PartitionScanner.Item item;
          while ((item = scanner.next()) != null) {
            progress.accept(1);
            if (!item.ok()) {
              problems++;
              onProblem.accept(item.problem());
              continue;
            }
            AuditLine line = item.line();
            if (line.offset() <= after || !filter.matches(line)) {
              skipped += line.offset() <= after ? 1 : 0;
              continue;
            }
            if (inBatch == 0) {
              producer.beginTransaction();
            }
            producer.send(record(topic, line));
            written++;
            if (++inBatch == BATCH) {
              producer.commitTransaction();
              inBatch = 0;
            }
          }
          if (inBatch > 0) {
            producer.commitTransaction();
          }
        }
      }
    }
    return new Result(written, skipped, problems);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, AuditLine line) {
    byte[] key = line.key() == null ? null : line.key().getBytes(StandardCharsets.UTF_8);
    byte[] value;
    if (!line.hasJsonEvent()) {
      value = line.raw();
    } else {
      value = line.eventBytes(); // as the sink read it, or null
    }
    RecordHeaders headers = new RecordHeaders();
    headers.add(PARTITION_HEADER, ByteBuffer.allocate(4).putInt(line.partition()).array());
    headers.add(OFFSET_HEADER, ByteBuffer.allocate(8).putLong(line.offset()).array());
    return new ProducerRecord<>(topic, line.partition(), line.timestamp(), key, value, headers);
  }

  /** The highest source offset already republished into a target partition, -1 if none. */
  static long highestRepublished(KafkaAccess kafka, String topic, int partition) {
    Properties props = kafka.properties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    TopicPartition tp = new TopicPartition(topic, partition);
    long highest = -1;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (consumer.position(tp, TIMEOUT) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + tp + " to its end (" + end + ") within " + TIMEOUT);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Header h = r.headers().lastHeader(OFFSET_HEADER);
          if (h != null && h.value() != null && h.value().length == 8) {
            highest = Math.max(highest, ByteBuffer.wrap(h.value()).getLong());
          }
        }
      }
    }
    return highest;
  }

  private static void ensureTopic(KafkaAccess kafka, String topic, int partitionsNeeded) {
    try (Admin admin = Admin.create(kafka.settings())) {
      TopicDescription description;
      try {
        description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new IllegalStateException("cannot describe " + topic + ": " + e.getCause(), e);
        }
        admin
            .createTopics(
                List.of(
                    new NewTopic(topic, Optional.of(partitionsNeeded), Optional.empty())
                        .configs(Map.of("retention.ms", "-1"))))
            .all()
            .get();
        return;
      }
      if (description.partitions().size() < partitionsNeeded) {
        throw new IllegalStateException(
            topic
                + " has "
                + description.partitions().size()
                + " partitions; the audit trail"
                + " has partition "
                + (partitionsNeeded - 1)
                + ", and events must go back to the"
                + " partition they came from");
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create " + topic + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(KafkaAccess kafka, String topic) {
    Map<String, Object> props = kafka.settings();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "baton-audit-republish-" + topic);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
