package dev.baton.app.feed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one consumer per node that follows the head of {@code baton.events} ({@code read_committed},
 * no group, every partition assigned), appends what it reads to {@link RecentEvents} and then
 * signals the feed. No HTTP client ever owns a consumer or a thread.
 *
 * <p>It starts at the end of the log; older positions are read by {@link CatchUpReaders}. The
 * partitions are those the topic has at start-up.
 */
final class EventTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventTail.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final KafkaConsumer<String, byte[]> consumer;
  private final List<TopicPartition> partitions;
  private final RecentEvents recent;
  private final Runnable onAppend;
  private final Thread thread;
  private volatile boolean running = true;
  private long seq;

  private EventTail(
      KafkaConsumer<String, byte[]> consumer,
      List<TopicPartition> partitions,
      RecentEvents recent,
      Runnable onAppend) {
    this.consumer = consumer;
    this.partitions = partitions;
    this.recent = recent;
    this.onAppend = onAppend;
    this.thread = new Thread(this::run, "baton-feed-tail");
    this.thread.setDaemon(true);
  }

  /** Assigns every partition of {@code topic} at its end, fills {@code recent}'s start, runs. */
  static EventTail start(
      Map<String, Object> kafka, String topic, RecentEvents recent, Runnable onAppend) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(EventRecords.consumerConfig(kafka, "baton-feed-tail"));
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      if (partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " has no partitions");
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      Map<Integer, Long> start = new HashMap<>();
      for (TopicPartition tp : partitions) {
        start.put(tp.partition(), consumer.position(tp, Duration.ofSeconds(30)));
      }
      recent.start(start);
      EventTail tail = new EventTail(consumer, partitions, recent, onAppend);
      tail.thread.start();
      LOG.info("event feed tailing {} ({} partitions) from {}", topic, partitions.size(), start);
      return tail;
    } catch (RuntimeException e) {
      consumer.close(Duration.ZERO);
      throw e;
    }
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        List<FeedEntry> entries = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> r : records) {
          FeedEntry e = EventRecords.entry(r, seq++);
          if (e != null) {
            entries.add(e);
          }
        }
        Map<Integer, Long> positions = new HashMap<>();
        for (TopicPartition tp : partitions) {
          positions.put(tp.partition(), consumer.position(tp));
        }
        recent.append(entries, positions);
        onAppend.run();
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("the event feed's tail consumer failed; the feed stops advancing", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  boolean alive() {
    return thread.isAlive();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
