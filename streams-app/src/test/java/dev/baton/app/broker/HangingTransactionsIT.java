package dev.baton.app.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.broker.HangingTransactions.OpenTransaction;
import dev.baton.app.broker.HangingTransactions.Scope;
import dev.baton.app.broker.TransactionDecisions.Decision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection of hanging transactions, the coordinators' decisions and the marker writer against a
 * real (embedded) broker.
 */
@Timeout(120)
class HangingTransactionsIT {

  private static final String TOPIC = "baton.it.hanging";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Scope ON_TOPIC = new Scope(TOPIC::equals, id -> true, true);

  @TempDir Path dataDir;

  @Test
  void anOngoingTransactionItsCoordinatorTracksIsNeverHangingWhateverItsAge() throws Exception {
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Settings.of(dataDir));
        Admin admin = Admin.create(adminConfig(broker))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      try (KafkaProducer<String, String> producer = transactional(broker, "it-tracked")) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get();

        List<OpenTransaction> open =
            HangingTransactions.find(admin, ON_TOPIC, Duration.ZERO, TIMEOUT);
        assertThat(open).as("tracked by its coordinator, even with no minimum age").isEmpty();
        assertThat(
                HangingTransactions.completeHanging(
                    admin, adminConfig(broker), ON_TOPIC, Duration.ZERO, TIMEOUT))
            .isEmpty();
        try (HangingTransactionWatch watch =
            new HangingTransactionWatch(
                adminConfig(broker), Duration.ofSeconds(10), Scope.everything())) {
          assertThat(watch.check()).as("the node's watch, which asks no minimum age").isEmpty();
        }
        // Nothing was aborted behind the producer's back: its transaction still commits.
        producer.commitTransaction();
      }
      assertThat(HangingTransactions.find(admin, ON_TOPIC, Duration.ZERO, TIMEOUT))
          .as("a committed transaction leaves nothing open")
          .isEmpty();
    }
  }

  @Test
  void theCoordinatorsLogTellsACommittedTransactionFromAnAbortedOne() throws Exception {
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Settings.of(dataDir));
        Admin admin = Admin.create(adminConfig(broker))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      for (boolean commit : new boolean[] {true, false, true}) {
        OpenTransaction open;
        OpenTransaction offsets;
        try (KafkaProducer<String, String> producer = transactional(broker, "it-" + commit)) {
          producer.initTransactions();
          producer.beginTransaction();
          producer.send(new ProducerRecord<>(TOPIC, 0, "k", "v")).get();
          // As Kafka Streams does: the input's offsets committed in the same transaction.
          producer.sendOffsetsToTransaction(
              Map.of(tp, new OffsetAndMetadata(1)), new ConsumerGroupMetadata("it-group"));
          open = openOn(admin, tp, producer);
          offsets = openOnOffsets(admin, producer);
          if (commit) {
            producer.commitTransaction();
          } else {
            producer.abortTransaction();
          }
        }
        List<TransactionDecisions.Entry> log =
            TransactionDecisions.read(adminConfig(broker), TIMEOUT);

        assertThat(TransactionDecisions.decisionFor(open, log).map(Decision::commit))
            .as("the coordinator's decision for %s", open)
            .contains(commit);
        assertThat(TransactionDecisions.decisionFor(offsets, log).map(Decision::commit))
            .as("the coordinator's decision for the offset commit %s", offsets)
            .contains(commit);
      }
    }
  }

  @Test
  void theMarkerWriterCommitsOrAbortsWhatAPartitionHoldsOpen() throws Exception {
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Settings.of(dataDir));
        Admin admin = Admin.create(adminConfig(broker));
        KafkaProducer<String, String> producer = transactional(broker, "it-marker")) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
      TopicPartition committed = new TopicPartition(TOPIC, 0);
      TopicPartition aborted = new TopicPartition(TOPIC, 1);
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, 0, "k", "committed")).get();
      producer.send(new ProducerRecord<>(TOPIC, 1, "k", "aborted")).get();
      assertThatThrownBy(() -> visible(broker, committed))
          .as("open: nothing is stable yet")
          .hasMessageContaining("open");

      for (TopicPartition tp : List.of(committed, aborted)) {
        OpenTransaction open = openOn(admin, tp, producer);
        Node leader =
            admin
                .describeTopics(List.of(TOPIC))
                .allTopicNames()
                .get()
                .get(TOPIC)
                .partitions()
                .get(tp.partition())
                .leader();
        TransactionMarkers.write(
            leader,
            tp,
            open.producerId(),
            (short) open.producerEpoch(),
            open.markerCoordinatorEpoch(),
            tp.equals(committed),
            (int) TIMEOUT.toMillis());
      }

      assertThat(visible(broker, committed)).containsExactly("committed");
      assertThat(visible(broker, aborted)).as("aborted: stable, and empty").isEmpty();
    }
  }

  /** The transaction {@code producer} holds open on {@code tp}, as the partition's leader says. */
  private static OpenTransaction openOn(
      Admin admin, TopicPartition tp, KafkaProducer<String, String> producer) throws Exception {
    producer.flush();
    List<ProducerState> states =
        admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers();
    ProducerState open =
        states.stream()
            .filter(p -> p.currentTransactionStartOffset().isPresent())
            .findFirst()
            .orElseThrow();
    return OpenTransaction.of(tp, open);
  }

  /** The transaction {@code producer} holds open on a partition of {@code __consumer_offsets}. */
  private static OpenTransaction openOnOffsets(Admin admin, KafkaProducer<String, String> producer)
      throws Exception {
    producer.flush();
    List<TopicPartition> partitions =
        admin
            .describeTopics(List.of(Topic.GROUP_METADATA_TOPIC_NAME))
            .allTopicNames()
            .get()
            .get(Topic.GROUP_METADATA_TOPIC_NAME)
            .partitions()
            .stream()
            .map(p -> new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, p.partition()))
            .toList();
    List<OpenTransaction> open = new ArrayList<>();
    admin
        .describeProducers(partitions)
        .all()
        .get()
        .forEach(
            (tp, state) ->
                state.activeProducers().stream()
                    .filter(p -> p.currentTransactionStartOffset().isPresent())
                    .forEach(p -> open.add(OpenTransaction.of(tp, p))));
    assertThat(open).as("the pending offset commit").hasSize(1);
    return open.get(0);
  }

  /**
   * The values a {@code read_committed} reader gets from {@code tp} up to its last stable offset,
   * once that offset has passed every record written; fails if it does not within 10 s (the
   * partition still holds a transaction open).
   */
  private static List<String> visible(EmbeddedKafkaBroker broker, TopicPartition tp) {
    Map<String, Object> settings = new HashMap<>(adminConfig(broker));
    settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
        long stable = consumer.endOffsets(List.of(tp)).get(tp);
        if (stable > 0 && consumer.position(tp) >= stable) {
          return values;
        }
      }
      throw new AssertionError(tp + " still holds a transaction open after 10 s");
    }
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

  static Map<String, Object> adminConfig(EmbeddedKafkaBroker broker) {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
  }
}
