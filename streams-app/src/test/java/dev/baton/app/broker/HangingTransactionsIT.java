package dev.baton.app.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.broker.HangingTransactions.OpenTransaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Detection and abort of hanging transactions against a real (embedded) broker. */
@Timeout(120)
class HangingTransactionsIT {

  private static final String TOPIC = "baton.it.hanging";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

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
            HangingTransactions.find(admin, TOPIC::equals, Duration.ZERO, TIMEOUT);
        assertThat(open).as("tracked by its coordinator, even with no minimum age").isEmpty();
        assertThat(HangingTransactions.abortHanging(admin, TOPIC::equals, Duration.ZERO, TIMEOUT))
            .isEmpty();
        // Nothing was aborted behind the producer's back: its transaction still commits.
        producer.commitTransaction();
      }
      assertThat(HangingTransactions.find(admin, TOPIC::equals, Duration.ZERO, TIMEOUT))
          .as("a committed transaction leaves nothing open")
          .isEmpty();
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

  private static Map<String, Object> adminConfig(EmbeddedKafkaBroker broker) {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
  }
}
