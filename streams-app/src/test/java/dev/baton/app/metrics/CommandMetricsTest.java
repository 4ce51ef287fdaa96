package dev.baton.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The processor's meters: counted by type, status and code, waits from the queued answer. */
class CommandMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final BatonMetrics metrics = BatonMetrics.over(registry);
  private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void shouldCountOutcomesByTypeStatusAndCodeAcrossProcessors() {
    CommandMetrics first = metrics.commands();
    CommandMetrics second = metrics.commands();
    Outcome locked =
        Outcome.rejected("c1", CommandType.LOCK_ACQUIRE, "k", OutcomeCode.LOCKED, "held", t0);

    first.sent(locked);
    second.sent(locked);
    first.sent(locked.asDuplicate());

    assertThat(
            registry
                .get("baton.outcomes")
                .tags("type", "lock.acquire", "status", "REJECTED", "code", "LOCKED")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get("baton.outcomes")
                .tags("type", "lock.acquire", "status", "DUPLICATE")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void shouldCountReadCommandsAndTimeDecisionsByType() {
    CommandMetrics commands = metrics.commands();

    commands.read(CommandType.TASK_CREATE);
    commands.read(null);
    commands.decided(CommandType.TASK_CREATE, TimeUnit.MICROSECONDS.toNanos(300));

    assertThat(registry.get("baton.commands").tag("type", "task.create").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("baton.commands").tag("type", "invalid").counter().count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("baton.processor.command")
                .tag("type", "task.create")
                .timer()
                .totalTime(TimeUnit.MICROSECONDS))
        .isEqualTo(300);
  }

  @Test
  void shouldTimeTheWaitFromTheQueuedAnswerToTheFinalOne() {
    CommandMetrics commands = metrics.commands();
    Outcome queued =
        Outcome.queued(
            "r1", CommandType.LOCK_ACQUIRE, LockState.empty("ws", "f", "k"), 2, "queued", t0);
    Outcome expired =
        Outcome.rejected(
            "r1", CommandType.LOCK_ACQUIRE, "k", OutcomeCode.EXPIRED, "gave up", t0.plusSeconds(3));

    commands.sent(queued);
    commands.waited(queued, expired);
    // Not queued first (a retry already holding the final answer): no wait recorded.
    commands.waited(expired, expired);

    assertThat(registry.get("baton.lock.queue.length").summary().totalAmount()).isEqualTo(2);
    assertThat(
            registry
                .get("baton.lock.wait")
                .tag("outcome", "expired")
                .timer()
                .totalTime(TimeUnit.SECONDS))
        .isEqualTo(3);
    assertThat(registry.get("baton.lock.wait").timer().count()).isEqualTo(1);
  }
}
