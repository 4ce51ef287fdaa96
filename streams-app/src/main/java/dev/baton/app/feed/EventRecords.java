package dev.baton.app.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.sdk.protocol.EventType;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns records of {@code baton.events} into {@link FeedEntry}s, and the consumers that read them.
 */
final class EventRecords {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecords.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EventRecords() {}

  /**
   * The entry for {@code record}, or null when its value is not an event object (logged and
   * skipped: the feed serves JSON and must not break on one bad record).
   */
  static FeedEntry entry(ConsumerRecord<String, byte[]> record, long seq) {
    byte[] value = record.value();
    if (value == null) {
      return null;
    }
    JsonNode head;
    try {
      head = MAPPER.readTree(value);
    } catch (IOException e) {
      head = null;
    }
    if (head == null || !head.isObject()) {
      LOG.warn(
          "skipping record {}-{}@{}: not an event object",
          record.topic(),
          record.partition(),
          record.offset());
      return null;
    }
    EventType type = EventType.fromWire(head.path("type").asText("")).orElse(null);
    String key = record.key() != null ? record.key() : head.path("key").asText(null);
    return new FeedEntry(
        record.partition(),
        record.offset(),
        seq,
        key,
        type,
        head.path("agent").asText(null),
        value);
  }

  /** Settings of a group-less {@code read_committed} consumer the feed assigns by hand. */
  static Map<String, Object> consumerConfig(Map<String, Object> kafka, String clientId) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }
}
