package dev.baton.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.sink.SinkStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code baton sink} says when a sink faults and when it runs again, once per change. */
class SinkStatusPrinterTest {
  @Test
  void shouldPrintAFaultWithItsFileOnceAndTheRecovery() {
    AtomicReference<SinkStatus> audit =
        new AtomicReference<>(SinkStatus.consuming("audit", List.of(0, 1)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SinkStatusPrinter printer =
        new SinkStatusPrinter(
            List.of(audit::get), new PrintStream(bytes, true, StandardCharsets.UTF_8));

    printer.check();
    audit.set(
        new SinkStatus(
            "audit",
            SinkStatus.State.FAULTED,
            List.of(0, 1),
            null,
            new SinkStatus.Fault(
                List.of(1),
                "write",
                "/data/export/audit/1/00000000000000000000.jsonl.open",
                "IOException: No space left on device",
                1,
                "2026-01-01T00:00:00.000Z",
                "2026-01-01T00:00:00.200Z"),
            1));
    printer.check();
    printer.check();
    audit.set(SinkStatus.consuming("audit", List.of(0, 1), 1));
    printer.check();

    assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList())
        .containsExactly(
            "audit sink FAULTED: write of /data/export/audit/1/00000000000000000000.jsonl.open"
                + " failed (IOException: No space left on device); partitions [1]; nothing after"
                + " its last durable position counts as written; retrying",
            "audit sink RUNNING again (partitions [0, 1])");
  }

  @Test
  void shouldPrintAConsumerFaultWithoutAFile() {
    SinkStatus faulted =
        new SinkStatus(
            "projection",
            SinkStatus.State.FAULTED,
            List.of(),
            null,
            new SinkStatus.Fault(
                List.of(0, 1, 2),
                "consume",
                null,
                "org.apache.kafka.common.errors.FencedInstanceIdException: fenced",
                1,
                "2026-01-01T00:00:00.000Z",
                "2026-01-01T00:00:00.200Z"),
            1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new SinkStatusPrinter(
            List.of(() -> faulted), new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .check();

    assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList())
        .containsExactly(
            "projection sink FAULTED: consume failed"
                + " (org.apache.kafka.common.errors.FencedInstanceIdException: fenced); partitions"
                + " [0, 1, 2]; nothing after its last durable position counts as written;"
                + " retrying");
  }
}
