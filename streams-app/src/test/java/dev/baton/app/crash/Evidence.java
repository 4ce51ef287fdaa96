package dev.baton.app.crash;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.app.check.EventLogReader;
import dev.baton.app.check.PositionedEvent;
import dev.baton.app.check.Violation;
import dev.baton.app.sink.audit.AuditDirectory;
import dev.baton.app.sink.audit.PartitionScanner;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything {@link CrashInvariantChecker} judges, gathered after a scenario on a quiet system.
 *
 * @param history every command the workload sent, with its answers
 * @param committed {@code baton.events} read {@code read_committed}
 * @param readProblems records of the committed read that are not events
 * @param uncommitted {@code baton.events} read {@code read_uncommitted} below the last stable
 *     offset: what was committed plus what was aborted
 * @param audit the audit trail's lines, as (partition, offset, event id)
 * @param viewDifferences what {@code baton verify} found between the projection, the checkpoints,
 *     the audit trail, the live state and a replay of the log
 * @param outages when the topology could not run (node killed or frozen, broker down), up to when
 *     it served again
 */
public record Evidence(
    List<CommandRecord> history,
    List<PositionedEvent> committed,
    List<Violation> readProblems,
    List<PositionedEvent> uncommitted,
    List<AuditEntry> audit,
    List<String> viewDifferences,
    List<Outage> outages) {

  /** One line of the audit trail. */
  public record AuditEntry(int partition, long offset, String eventId) {}

  /** A time (wall clock, ms) the topology could not run: no punctuation, no commit. */
  public record Outage(String what, long fromMillis, long toMillis) {
    boolean covers(long millis) {
      return millis >= fromMillis && millis <= toMillis;
    }
  }

  /**
   * Reads the events topic both ways and the audit directory ({@code exportDir/audit}, absent:
   * none).
   */
  public static Evidence gather(
      List<CommandRecord> history,
      String bootstrap,
      String topic,
      Path exportDir,
      List<String> viewDifferences,
      List<Outage> outages,
      Duration timeout) {
    // The last stable offsets first: below them nothing is open any more, so whatever the
    // read_uncommitted pass sees there and the read_committed pass does not was aborted.
    Map<TopicPartition, Long> stable = endOffsets(bootstrap, topic, "read_committed", timeout);
    EventLogReader.EventLog committed = EventLogReader.read(bootstrap, topic, timeout);
    List<PositionedEvent> uncommitted = readUncommitted(bootstrap, stable, timeout);
    return new Evidence(
        history,
        committed.events(),
        committed.problems(),
        uncommitted,
        readAudit(exportDir.resolve("audit")),
        viewDifferences,
        outages);
  }

  static List<AuditEntry> readAudit(Path auditDir) {
    List<AuditEntry> out = new ArrayList<>();
    if (!Files.isDirectory(auditDir)) {
      return out;
    }
    AuditDirectory dir = new AuditDirectory(auditDir);
    for (int partition : dir.partitions()) {
      try (PartitionScanner scanner = new PartitionScanner(dir, partition)) {
        for (PartitionScanner.Item item; (item = scanner.next()) != null; ) {
          if (item.line() != null) {
            String id =
                item.line().event() == null ? null : item.line().event().path("id").asText();
            out.add(new AuditEntry(partition, item.line().offset(), id));
          }
        }
      }
    }
    return out;
  }

  private static Map<TopicPartition, Long> endOffsets(
      String bootstrap, String topic, String isolation, Duration timeout) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props(bootstrap, isolation))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      return new HashMap<>(consumer.endOffsets(partitions, timeout));
    }
  }

  private static List<PositionedEvent> readUncommitted(
      String bootstrap, Map<TopicPartition, Long> end, Duration timeout) {
    List<PositionedEvent> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props(bootstrap, "read_uncommitted"))) {
      List<TopicPartition> partitions = List.copyOf(end.keySet());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("read_uncommitted did not reach " + end);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() >= end.get(tp) || r.value() == null) {
            continue;
          }
          try {
            out.add(
                new PositionedEvent(
                    r.partition(), r.offset(), Json.mapper().readValue(r.value(), Event.class)));
          } catch (JsonProcessingException | RuntimeException e) {
            // Not an event: the committed read reports such records.
          } catch (java.io.IOException e) {
            // As above.
          }
        }
      }
    }
    return out;
  }

  private static Properties props(String bootstrap, String isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }
}
