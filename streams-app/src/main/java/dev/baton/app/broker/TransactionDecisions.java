package dev.baton.app.broker;

import dev.baton.app.broker.HangingTransactions.OpenTransaction;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.coordinator.transaction.TransactionState;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogKey;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogValue;

/**
 * What the transaction coordinators decided, read from their own log ({@code __transaction_state}).
 * A coordinator writes a transaction's partitions there as they join it ({@code Ongoing}), then its
 * decision ({@code PrepareCommit} or {@code PrepareAbort}) before it writes a single marker, then
 * its completion. So when a partition's marker was lost (KAFKA-20734), this log still says which
 * marker the coordinator meant to write there: the first decision after the last {@code Ongoing}
 * record that lists the partition at the open transaction's producer id and epoch. Nothing else is
 * trusted: no decision found means no answer.
 */
public final class TransactionDecisions {

  /** The coordinators' log. */
  public static final String TOPIC = "__transaction_state";

  /** Key schema version of a transaction record (other versions are not transactions). */
  private static final short TRANSACTION_KEY_VERSION = 0;

  /** One record of the coordinators' log, in log order within its log partition. */
  public record Entry(
      String transactionalId,
      long producerId,
      short producerEpoch,
      TransactionState state,
      Set<TopicPartition> partitions) {

    public Entry {
      partitions = Set.copyOf(partitions);
    }
  }

  /** A coordinator's decision about an open transaction. */
  public record Decision(String transactionalId, boolean commit, Entry record) {}

  private TransactionDecisions() {}

  /**
   * The decision the coordinator recorded for the transaction {@code open} holds on its partition,
   * from {@code log}: every record of the coordinators' log in log order per transactional id.
   * Empty when the log shows no decision after the transaction's partition joined it, or shows
   * something else first.
   */
  public static Optional<Decision> decisionFor(OpenTransaction open, List<Entry> log) {
    int joined = -1;
    for (int i = 0; i < log.size(); i++) {
      Entry e = log.get(i);
      if (e.producerId() == open.producerId()
          && e.producerEpoch() == open.producerEpoch()
          && e.state() == TransactionState.ONGOING
          && e.partitions().contains(open.partition())) {
        joined = i;
      }
    }
    if (joined < 0) {
      return Optional.empty();
    }
    String transactionalId = log.get(joined).transactionalId();
    for (int i = joined + 1; i < log.size(); i++) {
      Entry e = log.get(i);
      if (!e.transactionalId().equals(transactionalId)) {
        continue;
      }
      switch (e.state()) {
        case ONGOING, PREPARE_EPOCH_FENCE -> {
          // The same transaction adding partitions, or a fence on its way to an abort; anything
          // else (a later transaction with no decision for ours before it) leaves no answer.
          if (e.producerId() != open.producerId() || e.producerEpoch() != open.producerEpoch()) {
            return Optional.empty();
          }
        }
        case PREPARE_COMMIT, PREPARE_ABORT -> {
          if (e.producerId() != open.producerId() || !e.partitions().contains(open.partition())) {
            return Optional.empty();
          }
          return Optional.of(
              new Decision(transactionalId, e.state() == TransactionState.PREPARE_COMMIT, e));
        }
        default -> {
          // A completion, an empty or a dead state with no decision before it: not ours to read.
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The decision the coordinator recorded for the last transaction of producer {@code producerId}
   * that {@code partition} joined, from {@code log} (as for {@link #decisionFor}). A producer's
   * marker on a partition ends whatever it left pending there, so this is the marker that ended
   * what the producer last did on {@code partition}, whatever its transactional id has done since
   * on other partitions. Empty when that transaction has no decision in the log (still open, or its
   * records compacted away).
   */
  public static Optional<Decision> lastDecisionOn(
      long producerId, TopicPartition partition, List<Entry> log) {
    Entry joined = null;
    for (Entry e : log) {
      if (e.producerId() == producerId
          && e.state() == TransactionState.ONGOING
          && e.partitions().contains(partition)) {
        joined = e;
      }
    }
    if (joined == null) {
      return Optional.empty();
    }
    return decisionFor(
        new OpenTransaction(partition, producerId, joined.producerEpoch(), -1, -1, -1), log);
  }

  /**
   * Reads the coordinators' log from its start to its end at the time of the call.
   *
   * @param clientSettings Kafka client settings (bootstrap servers and security)
   * @throws TimeoutException if the end is not reached within {@code timeout}
   */
  public static List<Entry> read(Map<String, Object> clientSettings, Duration timeout)
      throws TimeoutException {
    Map<String, Object> settings = new HashMap<>(clientSettings);
    settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.put(ConsumerConfig.EXCLUDE_INTERNAL_TOPICS_CONFIG, false);
    settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
      List<PartitionInfo> infos = consumer.partitionsFor(TOPIC, timeout);
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      Map<TopicPartition, List<Entry>> byPartition = new HashMap<>();
      Set<TopicPartition> pending = new HashSet<>();
      end.forEach(
          (tp, offset) -> {
            if (offset > 0) {
              pending.add(tp);
            }
          });
      while (!pending.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("reading " + TOPIC + " did not reach its end in " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          entryOf(r.key(), r.value())
              .ifPresent(e -> byPartition.computeIfAbsent(tp, k -> new ArrayList<>()).add(e));
        }
        pending.removeIf(tp -> consumer.position(tp) >= end.get(tp));
      }
      List<Entry> log = new ArrayList<>();
      byPartition.values().forEach(log::addAll);
      return log;
    }
  }

  /** A record of the coordinators' log, or empty for tombstones and records of other kinds. */
  static Optional<Entry> entryOf(byte[] key, byte[] value) {
    if (key == null || value == null) {
      return Optional.empty();
    }
    ByteBuffer k = ByteBuffer.wrap(key);
    short keyVersion = k.getShort();
    if (keyVersion != TRANSACTION_KEY_VERSION) {
      return Optional.empty();
    }
    TransactionLogKey logKey = new TransactionLogKey(new ByteBufferAccessor(k), keyVersion);
    ByteBuffer v = ByteBuffer.wrap(value);
    short valueVersion = v.getShort();
    if (valueVersion < TransactionLogValue.LOWEST_SUPPORTED_VERSION
        || valueVersion > TransactionLogValue.HIGHEST_SUPPORTED_VERSION) {
      return Optional.empty();
    }
    TransactionLogValue logValue = new TransactionLogValue(new ByteBufferAccessor(v), valueVersion);
    Set<TopicPartition> partitions = new HashSet<>();
    if (logValue.transactionPartitions() != null) {
      logValue
          .transactionPartitions()
          .forEach(
              p ->
                  p.partitionIds()
                      .forEach(id -> partitions.add(new TopicPartition(p.topic(), id))));
    }
    return Optional.of(
        new Entry(
            logKey.transactionalId(),
            logValue.producerId(),
            logValue.producerEpoch(),
            TransactionState.fromId(logValue.transactionStatus()),
            partitions));
  }
}
