package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.sink.SinkStatus;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** The three answers the trial could not tell apart, and the streams states. */
class HealthResourceTest {
  private static SortedSet<Integer> partitions(Integer... p) {
    return new TreeSet<>(List.of(p));
  }

  private static final SinkStatus AUDIT = SinkStatus.consuming("audit", List.of(0, 1));
  private static final SinkStatus WAITING_SINK = SinkStatus.consuming("projection", List.of());
  private static final SinkStatus STALLED =
      new SinkStatus(
          "projection",
          SinkStatus.State.STALLED,
          List.of(0, 1),
          new SinkStatus.Stall("baton.events", 1, 834, "refused", 3, "2026-01-01T00:00:00.000Z"));

  private static HealthResponse health(
      KafkaStreams.State state, SortedSet<Integer> owned, List<SinkStatus> sinks) {
    return new HealthResource(() -> state, () -> owned, () -> sinks).current();
  }

  @Test
  void shouldBeRunningWithPartitionsAssignedAndNoStalledSink() {
    HealthResponse h = health(KafkaStreams.State.RUNNING, partitions(0, 2), List.of(AUDIT));

    assertThat(h.status()).isEqualTo("RUNNING");
    assertThat(h.partitions()).containsExactly(0, 2);
    assertThat(h.sinks()).containsExactly(AUDIT);
  }

  @Test
  void shouldSayWaitingForAssignmentWhenTheTopologyOwnsNoPartition() {
    HealthResponse h = health(KafkaStreams.State.RUNNING, partitions(), List.of());

    assertThat(h.status()).isEqualTo("WAITING_FOR_ASSIGNMENT");
    assertThat(h.streams()).isEqualTo("RUNNING");
  }

  @Test
  void shouldNotBlameASinkWaitingForPartitions() {
    assertThat(health(KafkaStreams.State.RUNNING, partitions(1), List.of(WAITING_SINK)).status())
        .isEqualTo("RUNNING");
  }

  @Test
  void shouldSayWhichSinkStalledWhereAndWhy() {
    HealthResponse h = health(KafkaStreams.State.RUNNING, partitions(0), List.of(AUDIT, STALLED));

    assertThat(h.status()).isEqualTo("SINK_STALLED");
    assertThat(h.sinks().get(1).stall().offset()).isEqualTo(834);
    assertThat(h.sinks().get(1).stall().reason()).isEqualTo("refused");
  }

  private static final SinkStatus FAULTED =
      new SinkStatus(
          "audit",
          SinkStatus.State.FAULTED,
          List.of(0, 1),
          null,
          new SinkStatus.Fault(
              List.of(1),
              "fsync",
              "/data/export/audit/1/00000000000000000007.jsonl.open",
              "IOException: Input/output error",
              2,
              "2026-01-01T00:00:00.000Z",
              "2026-01-01T00:00:00.600Z"),
          1);

  @Test
  void shouldSayWhichSinkFaultedOnWhatFileAndPutTheFaultBeforeAStall() {
    HealthResponse h = health(KafkaStreams.State.RUNNING, partitions(0), List.of(STALLED, FAULTED));

    assertThat(h.status()).isEqualTo("SINK_FAULTED");
    assertThat(h.sinks().get(1).fault().operation()).isEqualTo("fsync");
    assertThat(h.sinks().get(1).fault().path()).endsWith("1/00000000000000000007.jsonl.open");
    assertThat(health(KafkaStreams.State.RUNNING, partitions(0), List.of(AUDIT)).status())
        .isEqualTo("RUNNING");
  }

  @Test
  void shouldReportTheStreamsStateWhenNotRunning() {
    HealthResponse h = health(KafkaStreams.State.REBALANCING, partitions(0), List.of(STALLED));

    assertThat(h.status()).isEqualTo("REBALANCING");
    assertThat(h.partitions()).isEmpty();
  }
}
