package dev.baton.app.sink.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.sink.SinkStatus;
import dev.baton.app.testing.KafkaTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A partition the audit sink leaves alone because its files are damaged shows in its status. */
class AuditSinkDamageIT {
  @TempDir Path dir;

  private static SinkStatus await(AuditSink sink, Predicate<SinkStatus> done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    SinkStatus last;
    do {
      last = sink.status();
      if (done.test(last)) {
        return last;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    } while (System.nanoTime() < deadline);
    throw new AssertionError("status never matched; last: " + last);
  }

  @Test
  void shouldReportADamagedPartitionAsStalledNamingIt() throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    String topic = prefix + "baton.events";
    KafkaTestCluster.createTopics(3, topic);
    Path audit = dir.resolve("audit");
    AuditSinkSettings local = AuditFixtures.settings(audit);
    AtomicLong clock = new AtomicLong(AuditFixtures.T0);
    try (PartitionLog log = PartitionLog.open(1, local, clock::get)) {
      for (int i = 0; i < 3; i++) {
        String key = "default/task/t" + i;
        log.append(i, clock.get(), key, AuditFixtures.simpleEvent(key, 1, "a", clock.get()));
      }
      log.close(false); // as a crash leaves it: the segment stays open
    }
    Path segment = audit.resolve("1").resolve("00000000000000000000.jsonl.open");
    byte[] bytes = Files.readAllBytes(segment);
    int secondLine =
        new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
    bytes[secondLine + 3] = 'X';
    Files.write(segment, bytes);
    AuditSinkSettings settings =
        new AuditSinkSettings(
            audit,
            KafkaTestCluster.bootstrapServers(),
            topic,
            prefix + "audit",
            null,
            local.rotation(),
            Duration.ofMillis(100),
            1 << 20,
            false,
            local.retention(),
            Map.of());

    AuditSink sink = AuditSink.start(settings, System::currentTimeMillis);
    try {
      SinkStatus status =
          await(sink, s -> s.state() == SinkStatus.State.STALLED && s.partitions().size() == 3);

      assertThat(status.stall().partition()).isEqualTo(1);
      assertThat(status.stall().reason())
          .contains("damaged")
          .contains(segment.getFileName().toString());
    } finally {
      sink.close();
    }
  }
}
