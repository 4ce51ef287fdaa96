package dev.baton.app.sink.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.cli.CliRun;
import dev.baton.app.sink.SinkStatus;
import dev.baton.app.testing.Eventually;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.app.testing.RogueMember;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit sink whose static membership is taken by another consumer with its {@code
 * group.instance.id} (what a group coordinator that reloaded a stale member id after a broker
 * restart does to it): its consumer is fenced, the sink reports FAULTED ({@code consume}), makes a
 * new consumer and goes on from its files, so that every event is in the trail exactly once and
 * {@code baton audit verify} is clean.
 */
@Timeout(180)
class AuditSinkFencedIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void shouldComeBackWithANewConsumerAndWriteEveryEventOnce_whenItsStaticMembershipIsFenced()
      throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    String topic = prefix + "baton.events";
    String group = prefix + "audit";
    String instance = "node-1-audit";
    KafkaTestCluster.createTopics(3, topic);
    ProducedEvents events = new ProducedEvents(topic, dir);
    AuditSinkSettings settings = ProducedEvents.settings(dir, topic, group, instance, 7);
    events.produce(20);
    AuditSink sink = AuditSink.start(settings, System::currentTimeMillis);
    try {
      Eventually.until(
          "RUNNING", DEADLINE, () -> sink.status().state() == SinkStatus.State.RUNNING);
      Eventually.until("the first events in the trail", DEADLINE, events::allWritten);
      assertThat(sink.faults()).isZero();

      RogueMember.fenceAndAwaitRecovery(
          sink::status,
          group,
          instance,
          topic,
          DEADLINE,
          () -> events.produce(20),
          events::allWritten);
      assertThat(sink.stopped()).isNotDone();
      assertThat(sink.status().faults()).isEqualTo(sink.faults());

      events.produce(10);
      Eventually.until("the last events in the trail", DEADLINE, events::allWritten);
    } finally {
      sink.close();
      events.close();
    }
    assertThat(sink.stopped()).isCompleted();
    List<String> lines = events.lines();
    assertThat(lines).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(lines)).isEqualTo(events.produced());
    assertThat(events.produced()).hasSize(70);
    CliRun verify = CliRun.of("audit", "verify", dir.toString());
    assertThat(verify.exitCode()).as(verify.toString()).isZero();
  }
}
