package dev.baton.app.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class EmbeddedKafkaBrokerIT {

  private static final String TOPIC = "baton.it.records";
  private static final Duration CONSUME_DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dataDir;

  @Test
  void shouldKeepRecordsAcrossRestart() throws Exception {
    List<String> written = List.of("a=1", "b=2", "c=3", "a=4", "b=5");
    String clusterIdBeforeRestart;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(settings())) {
      assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:").doesNotEndWith(":0");
      createTopic(broker);
      produceIdempotently(broker, written);
      assertThat(consume(broker, written.size(), "read_uncommitted")).isEqualTo(written);
      clusterIdBeforeRestart = clusterId(broker);
    }

    try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.start(settings())) {
      assertThat(clusterId(restarted))
          .as("a reformatted directory would get a new cluster id")
          .isEqualTo(clusterIdBeforeRestart);
      assertThat(consume(restarted, written.size(), "read_uncommitted")).isEqualTo(written);
    }
    assertThat(dataDir.resolve("kafka/metadata/meta.properties")).isRegularFile();
  }

  @Test
  void shouldKeepTheGroupOffsetsTopicShortAlsoInADataDirMadeWithLargeSegments() throws Exception {
    // A data dir made before the setting: Kafka's 100 MiB.
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(
            new EmbeddedKafkaBroker.Settings(
                dataDir, 0, Map.of("offsets.topic.segment.bytes", "104857600")))) {
      createTopic(broker);
      // The first offset commit makes __consumer_offsets.
      try (Admin admin = admin(broker)) {
        admin
            .alterConsumerGroupOffsets(
                "it-group", Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(0)))
            .all()
            .get();
        assertThat(offsetsTopicConfig(admin).get("segment.bytes").value()).isEqualTo("104857600");
      }
    }

    try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.start(settings());
        Admin admin = admin(restarted)) {
      Config config = offsetsTopicConfig(admin);
      assertThat(config.get("segment.bytes").value())
          .as("changed at start")
          .isEqualTo(String.valueOf(EmbeddedKafkaBroker.OFFSETS_SEGMENT_BYTES));
      assertThat(config.get("delete.retention.ms").value())
          .as("markers kept 5 minutes, not a day")
          .isEqualTo(String.valueOf(EmbeddedKafkaBroker.OFFSETS_DELETE_RETENTION.toMillis()));
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }
  }

  private static Admin admin(EmbeddedKafkaBroker broker) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static Config offsetsTopicConfig(Admin admin) throws Exception {
    ConfigResource offsets = new ConfigResource(ConfigResource.Type.TOPIC, "__consumer_offsets");
    return admin.describeConfigs(List.of(offsets)).all().get().get(offsets);
  }

  @Test
  void shouldShowOnlyCommittedTransactionsToReadCommittedConsumers() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(settings())) {
      createTopic(broker);

      try (KafkaProducer<String, String> producer = transactionalProducer(broker)) {
        producer.initTransactions();
        sendInTransaction(producer, "k=committed-1");
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(TOPIC, "k", "aborted")).get();
        producer.abortTransaction();
        sendInTransaction(producer, "k=committed-2");
      }

      assertThat(consume(broker, 2, "read_committed"))
          .containsExactly("k=committed-1", "k=committed-2");
    }
  }

  private EmbeddedKafkaBroker.Settings settings() {
    return EmbeddedKafkaBroker.Settings.of(dataDir);
  }

  // One partition, so records come back in the order they were written.
  private static void createTopic(EmbeddedKafkaBroker broker) throws Exception {
    try (Admin admin = Admin.create(adminConfig(broker))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
    }
  }

  private static String clusterId(EmbeddedKafkaBroker broker) throws Exception {
    try (Admin admin = Admin.create(adminConfig(broker))) {
      return admin.describeCluster().clusterId().get();
    }
  }

  private static Map<String, Object> adminConfig(EmbeddedKafkaBroker broker) {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
  }

  private static void produceIdempotently(EmbeddedKafkaBroker broker, List<String> keyValues)
      throws ExecutionException, InterruptedException {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (String keyValue : keyValues) {
        producer.send(record(keyValue)).get();
      }
    }
  }

  private static KafkaProducer<String, String> transactionalProducer(EmbeddedKafkaBroker broker) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "baton-it-" + UUID.randomUUID());
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  private static void sendInTransaction(KafkaProducer<String, String> producer, String keyValue)
      throws ExecutionException, InterruptedException {
    producer.beginTransaction();
    producer.send(record(keyValue)).get();
    producer.commitTransaction();
  }

  private static ProducerRecord<String, String> record(String keyValue) {
    String[] parts = keyValue.split("=", 2);
    return new ProducerRecord<>(TOPIC, parts[0], parts[1]);
  }

  /** Reads the topic from the start with a fresh group until {@code count} records or deadline. */
  private static List<String> consume(EmbeddedKafkaBroker broker, int count, String isolation) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "baton-it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            isolation);
    List<String> read = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + CONSUME_DEADLINE.toNanos();
      while (read.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          read.add(record.key() + "=" + record.value());
        }
      }
    }
    return read;
  }
}
