package dev.baton.app.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The raw Kafka baselines: what a plain producer and consumer do on the same cluster, with no Baton
 * in the way.
 */
public final class RawKafka {
  private RawKafka() {}

  /** A measured rate. */
  public record Throughput(long records, long bytes, double seconds) {
    public double recordsPerSecond() {
      return records / seconds;
    }

    public double mbPerSecond() {
      return bytes / seconds / (1024 * 1024);
    }
  }

  /**
   * An idempotent {@code acks=all} producer (otherwise Kafka's defaults) sending {@code records}
   * values of {@code valueBytes} bytes without keys as fast as it can, after a warm-up of a tenth
   * as many. The time runs from the first send to the acknowledgement of the last.
   */
  public static Throughput producerThroughput(
      String bootstrap, String topic, long records, int valueBytes) {
    byte[] value = new byte[valueBytes];
    ThreadLocalRandom.current().nextBytes(value);
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      sendAll(producer, topic, Math.max(1, records / 10), value);
      long start = System.nanoTime();
      sendAll(producer, topic, records, value);
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Throughput(records, records * valueBytes, seconds);
    }
  }

  private static void sendAll(
      KafkaProducer<byte[], byte[]> producer, String topic, long records, byte[] value) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (long i = 0; i < records; i++) {
      producer.send(
          new ProducerRecord<>(topic, value),
          (m, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("raw producer failed: " + failure.get(), failure.get());
    }
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-raw-producer");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-raw-consumer");
    return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Produce-to-consume latency of the same producer at a fixed rate: each record carries the time
   * it was meant to be sent, and one consumer on every partition records how long after that it
   * arrived (so a producer falling behind its schedule shows in the numbers). Records are 100
   * bytes.
   */
  public static Latency produceToConsumeLatency(
      String bootstrap, String topic, double perSecond, Duration warmup, Duration measure) {
    Latency latency = new Latency();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "read_uncommitted");
        KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      long start = System.nanoTime();
      long recordFrom = start + warmup.toNanos();
      long end = recordFrom + measure.toNanos();
      long interval = (long) (1e9 / perSecond);
      AtomicLong sent = new AtomicLong();
      long received = 0;
      Thread sender =
          new Thread(
              () -> {
                long next = start;
                byte[] value = new byte[100];
                while (next < end) {
                  long now = System.nanoTime();
                  if (now < next) {
                    LockSupport.parkNanos(next - now);
                    continue;
                  }
                  while (next <= now && next < end) {
                    byte[] v = value.clone();
                    ByteBuffer.wrap(v).putLong(next);
                    producer.send(new ProducerRecord<>(topic, v));
                    sent.incrementAndGet();
                    next += interval;
                  }
                }
                producer.flush();
              },
              "bench-raw-paced-producer");
      sender.start();
      long deadline = end + Duration.ofSeconds(30).toNanos();
      while (sender.isAlive() || received < sent.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          long intended = ByteBuffer.wrap(r.value()).getLong();
          received++;
          if (intended >= recordFrom) {
            latency.recordNanos(now - intended);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "raw consumer received " + received + " of " + sent.get() + " records");
        }
      }
      join(sender);
    }
    return latency;
  }

  /**
   * A consumer reading {@code topic} from the beginning to the end offsets it finds at the start,
   * doing nothing with the records. The time runs from the first record to the last.
   */
  public static Throughput consumerThroughput(String bootstrap, String topic, String isolation) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, isolation)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long records = 0;
      long bytes = 0;
      long first = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (!reached(consumer, end)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (records == 0) {
            first = System.nanoTime();
          }
          records++;
          bytes += r.serializedValueSize() + Math.max(0, r.serializedKeySize());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("raw consumer did not reach the end of " + topic);
        }
      }
      double seconds = (System.nanoTime() - first) / 1e9;
      return new Throughput(records, bytes, seconds);
    }
  }

  static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
