package dev.baton.app.auth;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link TokenRegistry} equal to the tokens topic: one thread reads every partition from
 * the beginning (no consumer group, no committed offsets: every node reads all of it) and then
 * follows it, polling every {@value #POLL_MS} ms, so a token created or revoked on any node is seen
 * on every node within about that plus Kafka's own delivery time. {@link #start} returns once the
 * registry has caught up with the end of the topic, so a node never refuses a valid token because
 * it has not read it yet.
 */
public final class TokenLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TokenLog.class);
  static final long POLL_MS = 200;

  private final KafkaConsumer<String, byte[]> consumer;
  private final TokenRegistry registry;
  private final Thread thread;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private volatile boolean closed;

  /** Why the reader stopped before it caught up (refused credentials, a missing topic), if so. */
  private volatile RuntimeException failure;

  private TokenLog(KafkaConsumer<String, byte[]> consumer, TokenRegistry registry, String topic) {
    this.consumer = consumer;
    this.registry = registry;
    this.thread = new Thread(() -> run(topic), "baton-token-log");
    this.thread.setDaemon(true);
  }

  /**
   * Starts following {@code topic} into {@code registry} and waits until it has read up to the
   * topic's end as of now.
   *
   * @param clientSettings Kafka client settings: bootstrap servers and any security settings
   */
  public static TokenLog start(
      Map<String, Object> clientSettings, String topic, TokenRegistry registry, Duration timeout) {
    Map<String, Object> props = new HashMap<>(clientSettings);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) POLL_MS);
    TokenLog log = new TokenLog(new KafkaConsumer<>(props), registry, topic);
    log.thread.start();
    try {
      if (!log.caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.close();
        throw new IllegalStateException(
            "could not read the tokens topic " + topic + " within " + timeout);
      }
      if (log.failure != null) {
        log.close();
        throw new IllegalStateException(
            "could not read the tokens topic " + topic + ": " + log.failure.getMessage(),
            log.failure);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.close();
      throw new IllegalStateException("interrupted while reading the tokens topic " + topic, e);
    }
    return log;
  }

  private void run(String topic) {
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(POLL_MS))) {
          apply(r);
        }
        if (caughtUp.getCount() > 0 && reached(end)) {
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        LOG.error("token log woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      if (caughtUp.getCount() > 0) {
        // Still starting: start() reports it (a refused login fails at once, not at the timeout).
        failure = e;
        caughtUp.countDown();
      } else {
        LOG.error("token log stopped: new tokens and revocations are no longer seen", e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      return;
    }
    if (r.value() == null) {
      registry.apply(r.key(), null);
      return;
    }
    try {
      registry.apply(r.key(), TokenRecord.fromBytes(r.key(), r.value()));
    } catch (IllegalArgumentException e) {
      // An unreadable record grants nothing: the token it would describe is refused.
      LOG.warn("ignoring token record at offset {}: {}", r.offset(), e.getMessage());
      registry.apply(r.key(), null);
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
