package dev.baton.app.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.app.config.KafkaAccess;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads an event topic as a snapshot: every partition from its beginning up to the end offset
 * captured when reading starts, {@code read_committed}, so only events of committed transactions
 * are seen and events written while reading are not. Uses no consumer group and commits nothing.
 */
public final class EventLogReader {
  private static final Duration POLL = Duration.ofMillis(200);

  private EventLogReader() {}

  /**
   * What was read.
   *
   * @param events the readable events in partition, then offset order
   * @param problems records that are not events, or sit under another record key than their event's
   *     key
   */
  public record EventLog(List<PositionedEvent> events, List<Violation> problems) {}

  /**
   * Reads {@code topic} up to its end offsets at the time of the call.
   *
   * @throws IllegalStateException when the topic does not exist or its end is not reached within
   *     {@code timeout}
   */
  public static EventLog read(String bootstrapServers, String topic, Duration timeout) {
    return read(KafkaAccess.plain(bootstrapServers), topic, timeout);
  }

  /**
   * Reads {@code topic} up to its end offsets at the time of the call, connecting with {@code
   * kafka}'s security settings.
   *
   * @throws IllegalStateException when the topic does not exist or its end is not reached within
   *     {@code timeout}
   */
  public static EventLog read(KafkaAccess kafka, String topic, Duration timeout) {
    String bootstrapServers = kafka.bootstrap();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props(kafka))) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException(
            "topic " + topic + " at " + bootstrapServers + " does not exist or has no partitions");
      }
      List<TopicPartition> partitions =
          infos.stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .sorted(Comparator.comparingInt(TopicPartition::partition))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      List<PositionedEvent> events = new ArrayList<>();
      List<Violation> problems = new ArrayList<>();
      while (!reachedEnd(consumer, end, timeout)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "did not reach the end of "
                  + topic
                  + " within "
                  + timeout.toMillis()
                  + " ms: positions "
                  + positions(consumer, partitions)
                  + ", end offsets "
                  + end);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          if (record.offset() < end.get(tp)) {
            accept(record, events, problems);
          }
        }
      }
      events.sort(
          Comparator.comparingInt(PositionedEvent::partition)
              .thenComparingLong(PositionedEvent::offset));
      return new EventLog(List.copyOf(events), List.copyOf(problems));
    }
  }

  private static void accept(
      ConsumerRecord<String, byte[]> record,
      List<PositionedEvent> events,
      List<Violation> problems) {
    if (record.value() == null) {
      problems.add(problem(Invariant.READABLE, record, null, "record has no value"));
      return;
    }
    Event event;
    try {
      event = Json.mapper().readValue(record.value(), Event.class);
    } catch (JsonProcessingException e) {
      problems.add(
          problem(Invariant.READABLE, record, null, "not an event: " + e.getOriginalMessage()));
      return;
    } catch (IOException e) {
      problems.add(problem(Invariant.READABLE, record, null, "not an event: " + e.getMessage()));
      return;
    } catch (RuntimeException e) {
      problems.add(problem(Invariant.READABLE, record, null, "not an event: " + e.getMessage()));
      return;
    }
    if (!Objects.equals(record.key(), event.key())) {
      problems.add(
          problem(
              Invariant.KEY_PLACEMENT,
              record,
              event.id(),
              "record key '"
                  + record.key()
                  + "' differs from the event's key '"
                  + event.key()
                  + "'"));
    }
    events.add(new PositionedEvent(record.partition(), record.offset(), event));
  }

  private static Violation problem(
      Invariant invariant, ConsumerRecord<String, byte[]> record, String eventId, String message) {
    return new Violation(
        invariant, record.key(), record.partition(), record.offset(), eventId, message);
  }

  private static boolean reachedEnd(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end, Duration timeout) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey(), timeout) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static Map<Integer, Long> positions(
      KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
    Map<Integer, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      out.put(tp.partition(), consumer.position(tp));
    }
    return out;
  }

  private static Properties props(KafkaAccess kafka) {
    Properties props = kafka.properties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A checker must not create the topic it was pointed at by mistake.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "baton-history-checker");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }
}
