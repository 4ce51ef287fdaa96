package dev.baton.app.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.broker.HangingTransactions.Scope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real broker: the abort marker {@link StalePendingOffsets} writes on {@code
 * __consumer_offsets} makes the group coordinator drop a producer's pending offsets, and the watch
 * never writes one while the offsets belong to a transaction still open.
 */
class StalePendingOffsetsIT {

  private static final String TOPIC = "baton.it.stale";
  private static final String GROUP = "it-stale-group";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final TopicPartition INPUT = new TopicPartition(TOPIC, 0);

  @TempDir Path dataDir;

  @Test
  void anAbortMarkerOnTheOffsetsPartitionDropsAProducersPendingOffsetsButNeverOneStillOpen()
      throws Exception {
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Settings.of(dataDir));
        Admin admin = Admin.create(settings(broker));
        KafkaProducer<String, String> producer = transactional(broker, "it-stale-producer")) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      admin.alterConsumerGroupOffsets(GROUP, Map.of(INPUT, new OffsetAndMetadata(1))).all().get();
      producer.initTransactions();
      producer.beginTransaction();
      producer.sendOffsetsToTransaction(
          Map.of(INPUT, new OffsetAndMetadata(5)), new ConsumerGroupMetadata(GROUP));

      assertThat(stable(admin))
          .as("held back by the pending offset commit")
          .doesNotContainKey(INPUT);
      StalePendingOffsets stale =
          new StalePendingOffsets(GROUP, Scope.everything(), settings(broker));
      for (int look = 0; look < 3; look++) {
        assertThat(stale.check(admin, TIMEOUT))
            .as("an open transaction's offsets are the coordinator's business, look %d", look)
            .isEmpty();
      }

      TopicPartition offsets = StalePendingOffsets.offsetsPartition(admin, GROUP, 10_000);
      ProducerState open =
          admin
              .describeProducers(List.of(offsets))
              .partitionResult(offsets)
              .get()
              .activeProducers()
              .stream()
              .filter(p -> p.currentTransactionStartOffset().isPresent())
              .findFirst()
              .orElseThrow();
      TransactionMarkers.write(
          HangingTransactions.leader(admin, offsets, TIMEOUT),
          offsets,
          open.producerId(),
          (short) open.producerEpoch(),
          Math.max(0, open.coordinatorEpoch().orElse(0)),
          false,
          (int) TIMEOUT.toMillis());

      assertThat(stable(admin))
          .as("the group coordinator dropped the pending offsets: the last committed one is stable")
          .containsEntry(INPUT, new OffsetAndMetadata(1));
      producer.abortTransaction();
      for (int look = 0; look < 3; look++) {
        assertThat(stale.check(admin, TIMEOUT)).as("nothing held, look %d", look).isEmpty();
      }
      assertThat(stable(admin)).containsEntry(INPUT, new OffsetAndMetadata(1));
    }
  }

  /**
   * The split soak's iteration 37: the producer whose aborted offsets were held had been
   * initialised again since. The rule still names it, from the coordinators' log, at an epoch its
   * partition accepts; a producer whose last transaction there committed is never named.
   */
  @Test
  void theAbortOfAProducerInitialisedAgainSinceIsNamedFromTheLogAndAcceptedByThePartition()
      throws Exception {
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Settings.of(dataDir));
        Admin admin = Admin.create(settings(broker))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      admin.alterConsumerGroupOffsets(GROUP, Map.of(INPUT, new OffsetAndMetadata(1))).all().get();
      offsetsInOneTransaction(broker, "baton-it-aborted", 5, false);
      try (KafkaProducer<String, String> again = transactional(broker, "baton-it-aborted")) {
        // Initialised again, then a transaction that never joins the offsets partition.
        again.initTransactions();
        again.beginTransaction();
        again.send(new ProducerRecord<>(TOPIC, "k", "v")).get();
        again.commitTransaction();
      }
      offsetsInOneTransaction(broker, "baton-it-committed", 3, true);
      TopicPartition offsets = StalePendingOffsets.offsetsPartition(admin, GROUP, 10_000);
      // A commit returns once its coordinator has decided; the markers follow.
      List<ProducerState> producers = markersWritten(admin, offsets);
      long abortedId =
          admin
              .describeTransactions(List.of("baton-it-aborted"))
              .description("baton-it-aborted")
              .get()
              .producerId();
      ProducerState onPartition =
          producers.stream().filter(p -> p.producerId() == abortedId).findFirst().orElseThrow();

      List<StalePendingOffsets.Candidate> candidates =
          StalePendingOffsets.candidates(
              offsets,
              producers,
              TransactionDecisions.read(settings(broker), TIMEOUT),
              id -> id.startsWith("baton-it-"));

      assertThat(candidates)
          .as("the aborted producer only, although its transactional id has moved on")
          .containsExactly(
              new StalePendingOffsets.Candidate(
                  "baton-it-aborted",
                  abortedId,
                  (short) onPartition.producerEpoch(),
                  Math.max(0, onPartition.coordinatorEpoch().orElse(0))));
      StalePendingOffsets.Candidate c = candidates.get(0);
      TransactionMarkers.write(
          HangingTransactions.leader(admin, offsets, TIMEOUT),
          offsets,
          c.producerId(),
          c.producerEpoch(),
          c.coordinatorEpoch(),
          false,
          (int) TIMEOUT.toMillis());
      assertThat(stable(admin))
          .as("the re-sent abort leaves the committed offset alone")
          .containsEntry(INPUT, new OffsetAndMetadata(3));
      assertThat(
              StalePendingOffsets.candidates(
                  offsets,
                  producers,
                  TransactionDecisions.read(settings(broker), TIMEOUT),
                  id -> id.equals("baton-it-committed")))
          .as("out of scope, or decided COMMIT")
          .isEmpty();
    }
  }

  /** Commits {@code offset} for the input in one transaction of {@code id}, then ends it. */
  private static void offsetsInOneTransaction(
      EmbeddedKafkaBroker broker, String id, long offset, boolean commit) {
    try (KafkaProducer<String, String> producer = transactional(broker, id)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.sendOffsetsToTransaction(
          Map.of(INPUT, new OffsetAndMetadata(offset)), new ConsumerGroupMetadata(GROUP));
      if (commit) {
        producer.commitTransaction();
      } else {
        producer.abortTransaction();
      }
    }
  }

  /** The producers on {@code partition} once none holds a transaction open there. */
  private static List<ProducerState> markersWritten(Admin admin, TopicPartition partition)
      throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      List<ProducerState> producers =
          admin
              .describeProducers(List.of(partition))
              .partitionResult(partition)
              .get()
              .activeProducers();
      if (!StalePendingOffsets.anyOpen(producers)) {
        return producers;
      }
      assertThat(System.nanoTime()).as("markers written on %s", partition).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> stable(Admin admin) throws Exception {
    return admin
        .listConsumerGroupOffsets(
            Map.of(GROUP, new ListConsumerGroupOffsetsSpec()),
            new ListConsumerGroupOffsetsOptions().requireStable(true))
        .partitionsToOffsetAndMetadata(GROUP)
        .get(30, TimeUnit.SECONDS);
  }

  private static KafkaProducer<String, String> transactional(
      EmbeddedKafkaBroker broker, String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return new KafkaProducer<>(p);
  }

  private static Map<String, Object> settings(EmbeddedKafkaBroker broker) {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
  }
}
