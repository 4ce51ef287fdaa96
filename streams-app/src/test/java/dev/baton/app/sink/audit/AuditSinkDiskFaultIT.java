package dev.baton.app.sink.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.cli.CliRun;
import dev.baton.app.io.FaultyFileIo;
import dev.baton.app.io.FaultyFileIo.Op;
import dev.baton.app.sink.SinkStatus;
import dev.baton.app.testing.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit sink against a real broker while its disk fails: full (a write fails after a partial
 * write), fsyncs that fail, a rotation whose rename fails, a folder fsync that fails. Each time the
 * sink reports FAULTED with the operation and file, never reports as written (its committed
 * progress) what it could not make durable, and resumes once the fault is cleared. At the end every
 * produced event is in the trail exactly once, {@code baton audit verify} is clean, no failed
 * channel was fsynced again, and a simulated reboot finds nothing the device lost.
 */
@Timeout(180)
class AuditSinkDiskFaultIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final FaultyFileIo io = new FaultyFileIo();
  private String topic;
  private String group;
  private ProducedEvents events;

  private static SinkStatus await(String what, AuditSink sink, Predicate<SinkStatus> done) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    SinkStatus last;
    do {
      last = sink.status();
      if (done.test(last)) {
        return last;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    } while (System.nanoTime() < deadline);
    throw new AssertionError(what + " never happened; last status: " + last);
  }

  private Map<TopicPartition, OffsetAndMetadata> committed() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestCluster.bootstrapServers()))) {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private void awaitAllWritten(String phase) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!events.allWritten()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(phase + ": not every event reached the trail");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @Test
  void shouldStopReportAndResumeThroughFullDiskFailedFsyncsRenamesAndFolderFsyncs()
      throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    topic = prefix + "baton.events";
    group = prefix + "audit";
    KafkaTestCluster.createTopics(3, topic);
    events = new ProducedEvents(topic, dir);
    // Rotation every 4 lines, so that faults also land in rotations.
    AuditSinkSettings settings = ProducedEvents.settings(dir, topic, group, null, 4);
    AuditSink sink = AuditSink.start(settings, System::currentTimeMillis, io);
    try {
      await("assignment", sink, s -> s.state() == SinkStatus.State.RUNNING);
      events.produce(30);
      awaitAllWritten("before any fault");

      // 1. The disk fills up: a partial write, then ENOSPC, for every partition that writes.
      io.space(200);
      events.produce(30);
      SinkStatus full =
          await("FAULTED on a full disk", sink, s -> s.state() == SinkStatus.State.FAULTED);
      assertThat(full.fault().error()).contains(FaultyFileIo.ENOSPC);
      assertThat(full.fault().path()).startsWith(dir.toAbsolutePath().toString());
      assertThat(full.fault().operation()).isIn("write", "create", "probe", "rename", "fsync");
      assertThat(full.faults()).isPositive();
      // Nothing it could not fsync is reported as written: the group's progress of a faulted
      // partition is at most the line after the last one in its files.
      SinkStatus stillFull =
          await(
              "a retry that fails on the full disk",
              sink,
              s -> s.fault() != null && s.fault().attempts() >= 3);
      Map<TopicPartition, OffsetAndMetadata> progress = committed();
      for (int p : stillFull.fault().partitions()) {
        OffsetAndMetadata c = progress.get(new TopicPartition(topic, p));
        long lastInFiles =
            AuditFixtures.scan(dir, p).stream().mapToLong(i -> i.line().offset()).max().orElse(-1);
        assertThat(c == null ? 0 : c.offset())
            .as("partition %d's reported progress", p)
            .isLessThanOrEqualTo(lastInFiles + 1);
      }
      io.clear();
      await("resumed after space is back", sink, s -> s.state() == SinkStatus.State.RUNNING);
      awaitAllWritten("after the full disk");

      // 2. fsyncs fail (EIO); the page cache model drops what they covered.
      long before = sink.faults();
      io.failNext(Op.FORCE, 3, FaultyFileIo.EIO, p -> p.toString().contains(".jsonl"));
      events.produce(30);
      await("a failed fsync", sink, s -> s.faults() > before);
      awaitAllWritten("after failed fsyncs");
      await("resumed after failed fsyncs", sink, s -> s.state() == SinkStatus.State.RUNNING);

      // 3. A rotation's rename fails.
      long beforeRename = sink.faults();
      io.failNext(Op.MOVE, 2, FaultyFileIo.EIO, p -> p.toString().endsWith(".jsonl"));
      events.produce(30);
      await("a failed rename", sink, s -> s.faults() > beforeRename);
      awaitAllWritten("after failed renames");

      // 4. The folder's fsync fails (after a segment's creation or rename).
      long beforeDir = sink.faults();
      io.failNext(Op.FSYNC_DIR, 2, FaultyFileIo.EIO, p -> true);
      events.produce(30);
      await("a failed folder fsync", sink, s -> s.faults() > beforeDir);
      awaitAllWritten("after failed folder fsyncs");
      await("running at the end", sink, s -> s.state() == SinkStatus.State.RUNNING);
    } finally {
      sink.close();
      events.close();
    }

    assertThat(io.injected()).isGreaterThanOrEqualTo(8);
    assertThat(io.forcesAfterFailedForce()).as("fsyncs on a channel whose fsync failed").isZero();
    assertThat(io.powerLoss()).as("bytes a reboot would lose").isZero();
    List<String> lines = events.lines();
    assertThat(lines).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(lines)).isEqualTo(events.produced());
    assertThat(events.produced()).hasSize(150);
    CliRun verify = CliRun.of("audit", "verify", dir.toString());
    assertThat(verify.exitCode()).as(verify.toString()).isZero();
  }
}
