package dev.baton.sdk.internal;

import dev.baton.sdk.BatonException;
import dev.baton.sdk.protocol.ReplyTo;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The client's two Kafka clients, connected: the producer knows the partitions of {@code
 * baton.commands} (so a first send does not wait for metadata) and the reply reader is assigned its
 * outcomes partition, positioned at its end. Opening is bounded by the connect timeout; when it
 * fails both clients are closed again, taking their threads with them.
 *
 * <p>Settings the client fixes: {@code acks=all} and idempotence (commands are never duplicated on
 * the log by a producer retry), {@code read_committed} (the topology writes outcomes in
 * transactions), no offset commits (the reader starts at the end). Defaults a {@code kafkaProperty}
 * may override: client ids {@code <client>-commands} and {@code <client>-replies}, {@code
 * linger.ms=1}, {@code fetch.max.wait.ms=100}, and {@code max.block.ms} = the smaller of the
 * connect and request timeouts, so no send blocks its caller longer than the request timeout.
 */
record Connection(
    KafkaProducer<String, byte[]> producer,
    KafkaConsumer<String, byte[]> consumer,
    ReplyTo replyTo) {

  static Connection open(KafkaBatonClient.Settings s) {
    Map<String, Object> common = new HashMap<>(s.kafkaOverrides());
    common.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());

    Map<String, Object> p = new HashMap<>(common);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, s.clientId() + "-commands");
    p.putIfAbsent(
        ProducerConfig.MAX_BLOCK_MS_CONFIG,
        Math.min(s.connectTimeout().toMillis(), s.requestTimeout().toMillis()));

    Map<String, Object> c = new HashMap<>(common);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, s.clientId() + "-replies");

    KafkaProducer<String, byte[]> producer = null;
    KafkaConsumer<String, byte[]> consumer = null;
    long deadline = System.nanoTime() + s.connectTimeout().toNanos();
    try {
      producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
      consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
      producer.partitionsFor(s.topics().commands());
      List<PartitionInfo> partitions =
          consumer.partitionsFor(s.topics().outcomes(), remaining(deadline));
      if (partitions == null || partitions.isEmpty()) {
        throw new BatonException("topic " + s.topics().outcomes() + " does not exist", true, null);
      }
      int partition =
          s.replyPartition() != null
              ? s.replyPartition() % partitions.size()
              : ThreadLocalRandom.current().nextInt(partitions.size());
      TopicPartition tp = new TopicPartition(s.topics().outcomes(), partition);
      consumer.assign(List.of(tp));
      consumer.seekToEnd(List.of(tp));
      // Resolve the position now: an outcome written after this point cannot be missed.
      consumer.position(tp, remaining(deadline));
      return new Connection(producer, consumer, new ReplyTo(partition));
    } catch (BatonException e) {
      closeQuietly(producer, consumer);
      throw e;
    } catch (KafkaException e) {
      closeQuietly(producer, consumer);
      throw new BatonException(
          "cannot connect to Kafka at "
              + s.bootstrapServers()
              + " (topics "
              + s.topics().commands()
              + ", "
              + s.topics().outcomes()
              + ") within "
              + s.connectTimeout().toMillis()
              + " ms: "
              + e.getMessage(),
          e instanceof RetriableException,
          e);
    }
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
  }

  private static void closeQuietly(
      KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer) {
    if (consumer != null) {
      consumer.close(Duration.ZERO);
    }
    if (producer != null) {
      producer.close(Duration.ZERO);
    }
  }
}
