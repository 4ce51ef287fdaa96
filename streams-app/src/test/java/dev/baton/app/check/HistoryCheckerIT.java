package dev.baton.app.check;

import static dev.baton.sdk.protocol.LockMode.EXCLUSIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reading a real event topic: committed events only, every partition, unreadable records named. */
@Timeout(120)
class HistoryCheckerIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TOLERANCE = Duration.ofMillis(200);

  private final String prefix = KafkaTestCluster.uniqueTopicPrefix();
  private final String topic = prefix + "baton.events";
  private final JsonSerde<Event> serde = JsonSerde.of(Event.class);

  @Test
  void shouldCheckOnlyCommittedEventsOfEveryPartition() {
    // given: clean histories of three locks committed, a forged second holder aborted
    KafkaTestCluster.createTopics(3, topic);
    SyntheticLock a = new SyntheticLock("default/lock/src/A.java");
    SyntheticLock b = new SyntheticLock("default/lock/src/B.java");
    SyntheticLock c = new SyntheticLock("default/lock/src/C.java");
    try (KafkaProducer<String, byte[]> producer = transactionalProducer()) {
      producer.initTransactions();
      producer.beginTransaction();
      for (Event e :
          List.of(
              a.acquire("alice", "r1", EXCLUSIVE),
              b.acquire("bob", "r2", EXCLUSIVE),
              c.acquire("carol", "r3", EXCLUSIVE),
              a.waitFor("dave", "r4", EXCLUSIVE))) {
        producer.send(record(e));
      }
      producer.commitTransaction();

      producer.beginTransaction();
      producer.send(record(a.acquire("erin", "r5", EXCLUSIVE)));
      producer.abortTransaction();

      producer.beginTransaction();
      // the model forgets what the aborted transaction did
      a.drop("erin");
      a.version = 2;
      a.lastToken = 1;
      producer.send(record(a.release("alice", "c6")));
      producer.send(record(a.grantWaiting("r4")));
      producer.commitTransaction();
    }

    // when
    EventLogReader.EventLog log = EventLogReader.read(bootstrap(), topic, TIMEOUT);
    CheckResult result = HistoryChecker.checkTopic(bootstrap(), topic, TOLERANCE, TIMEOUT);

    // then
    assertThat(log.events()).hasSize(6);
    assertThat(log.events()).extracting(p -> p.event().agent()).doesNotContain("erin");
    assertThat(log.problems()).isEmpty();
    assertThat(result.ok()).as(result.toString()).isTrue();
    assertThat(result.eventsChecked()).isEqualTo(6);
  }

  @Test
  void shouldReportRecordsThatAreNotEventsOrSitUnderAnotherKey() {
    // given
    KafkaTestCluster.createTopics(1, topic);
    SyntheticLock a = new SyntheticLock("default/lock/src/A.java");
    try (KafkaProducer<String, byte[]> producer = transactionalProducer()) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(record(a.acquire("alice", "r1", EXCLUSIVE)));
      producer.send(
          new ProducerRecord<>(topic, 0, "k", "not json".getBytes(StandardCharsets.UTF_8)));
      producer.send(
          new ProducerRecord<>(
              topic, 0, "elsewhere", serde.serialize(topic, a.release("alice", "c2"))));
      producer.commitTransaction();
    }

    // when
    CheckResult result = HistoryChecker.checkTopic(bootstrap(), topic, TOLERANCE, TIMEOUT);

    // then
    assertThat(result.violations())
        .extracting(Violation::invariant, Violation::offset)
        .containsExactly(tuple(Invariant.READABLE, 1L), tuple(Invariant.KEY_PLACEMENT, 2L));
    assertThat(result.eventsChecked()).isEqualTo(2);
  }

  @Test
  void shouldFailNamingTheTopicWhenItDoesNotExist() {
    assertThatThrownBy(() -> EventLogReader.read(bootstrap(), topic, Duration.ofSeconds(5)))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining(topic);
  }

  private ProducerRecord<String, byte[]> record(Event e) {
    return new ProducerRecord<>(topic, e.key(), serde.serialize(topic, e));
  }

  private static String bootstrap() {
    return KafkaTestCluster.bootstrapServers();
  }

  private KafkaProducer<String, byte[]> transactionalProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            prefix + "checker-it",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new StringSerializer(),
        new ByteArraySerializer());
  }
}
