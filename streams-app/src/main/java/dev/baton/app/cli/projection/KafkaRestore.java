package dev.baton.app.cli.projection;

import dev.baton.app.config.KafkaAccess;
import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.ProjectionState;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies;
import dev.baton.sdk.protocol.CommandBodies.StateRestore;
import dev.baton.sdk.protocol.CommandCodec;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.ReplyTo;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Resets the live system to a checkpoint's state: one admin {@code state.restore} command per
 * aggregate key (task, lock, or a task with its lock), through {@code baton.commands} like any
 * other command, so each restore is checked by the topology and audited as {@code state.restored}
 * events. Waits for every outcome on one reply partition.
 */
final class KafkaRestore {
  static final String AGENT = "baton-admin";

  private KafkaRestore() {}

  /** What the restore did; {@code failures} name each key that was not restored and why. */
  record Result(int sent, int accepted, List<String> failures) {}

  static Result run(
      ProjectionState state,
      String checkpointId,
      KafkaAccess kafka,
      Topics topics,
      Duration timeout)
      throws IOException {
    Map<String, StateRestore> bodies = new TreeMap<>();
    for (ProjectionRow row : state.values()) {
      if (row.kind() == RowKind.DECISION) {
        continue;
      }
      StateRestore before =
          bodies.getOrDefault(row.key(), new StateRestore(checkpointId, null, null));
      bodies.put(
          row.key(),
          row.kind() == RowKind.TASK
              ? new StateRestore(
                  checkpointId, Json.mapper().treeToValue(row.data(), Task.class), before.lock())
              : new StateRestore(
                  checkpointId,
                  before.task(),
                  Json.mapper().treeToValue(row.data(), LockState.class)));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, String> replies = new KafkaConsumer<>(consumerProps(kafka));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(kafka))) {
      List<PartitionInfo> partitions = replies.partitionsFor(topics.outcomes(), timeout);
      if (partitions == null || partitions.isEmpty()) {
        throw new IOException(
            "topic " + topics.outcomes() + " does not exist at " + kafka.bootstrap());
      }
      int replyPartition = ThreadLocalRandom.current().nextInt(partitions.size());
      TopicPartition tp = new TopicPartition(topics.outcomes(), replyPartition);
      replies.assign(List.of(tp));
      replies.seekToEnd(List.of(tp));
      replies.position(tp, timeout);
      Map<String, String> pending = new HashMap<>();
      for (Map.Entry<String, StateRestore> e : bodies.entrySet()) {
        String id = "restore-" + UUID.randomUUID();
        Command command =
            new Command(
                id,
                CommandType.STATE_RESTORE,
                AggregateKeys.workspaceOf(e.getKey()),
                AGENT,
                Instant.now(),
                null,
                null,
                new ReplyTo(replyPartition),
                CommandBodies.tree(e.getValue()));
        producer.send(
            new ProducerRecord<>(topics.commands(), e.getKey(), CommandCodec.write(command)));
        pending.put(id, e.getKey());
      }
      producer.flush();
      int sent = pending.size();
      int accepted = 0;
      List<String> failures = new ArrayList<>();
      while (!pending.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : replies.poll(Duration.ofMillis(200))) {
          String key = pending.remove(r.key());
          if (key == null) {
            continue;
          }
          Outcome outcome = Json.mapper().readValue(r.value(), Outcome.class);
          if (outcome.isSuccess()) {
            accepted++;
          } else {
            failures.add(key + ": " + outcome.code() + " " + outcome.message());
          }
        }
      }
      pending.values().forEach(key -> failures.add(key + ": no outcome within " + timeout));
      return new Result(sent, accepted, failures);
    }
  }

  private static Properties producerProps(KafkaAccess kafka) {
    Properties p = kafka.properties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "baton-checkpoint-restore");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  private static Properties consumerProps(KafkaAccess kafka) {
    Properties p = kafka.properties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "baton-checkpoint-restore");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }
}
