package dev.baton.app.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Follows the topology's state, fed by its state listener ({@link #changed}):
 *
 * <ul>
 *   <li>{@code baton_streams_state{state}}: 1 for the current state, 0 for the others;
 *   <li>{@code baton_streams_startup_seconds}: from the node's start to the topology's first {@code
 *       RUNNING} (NaN until then): the restart time as far as the topology goes;
 *   <li>{@code baton_streams_rebalance_seconds}: each stay in {@code REBALANCING}, from entering it
 *       to leaving it (count, sum, max, and a few buckets).
 * </ul>
 */
public final class StreamsStateMetrics {
  private final long startedNanos;
  private final AtomicReference<KafkaStreams.State> state =
      new AtomicReference<>(KafkaStreams.State.CREATED);
  private final AtomicLong firstRunningNanos = new AtomicLong(-1);
  private final AtomicLong rebalancingSince = new AtomicLong(-1);
  private final Timer rebalances;

  StreamsStateMetrics(MeterRegistry registry, long startedNanos) {
    this.startedNanos = startedNanos;
    for (KafkaStreams.State s : KafkaStreams.State.values()) {
      Gauge.builder("baton.streams.state", state, current -> current.get() == s ? 1 : 0)
          .description("The topology's state: 1 for the current one")
          .tag("state", s.name())
          .register(registry);
    }
    TimeGauge.builder(
            "baton.streams.startup",
            firstRunningNanos,
            TimeUnit.NANOSECONDS,
            n -> n.get() < 0 ? Double.NaN : n.get())
        .description("Time from the node's start to the topology's first RUNNING; NaN until then")
        .register(registry);
    rebalances =
        BatonMetrics.histogram(
                "baton.streams.rebalance",
                "Time the topology spent in each REBALANCING",
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                Duration.ofMinutes(5))
            .register(registry);
  }

  /** The state listener's call: {@code previous} to {@code next}. */
  public void changed(KafkaStreams.State previous, KafkaStreams.State next) {
    long now = System.nanoTime();
    state.set(next);
    if (next == KafkaStreams.State.RUNNING) {
      firstRunningNanos.compareAndSet(-1, now - startedNanos);
    }
    if (next == KafkaStreams.State.REBALANCING) {
      rebalancingSince.compareAndSet(-1, now);
    } else {
      long since = rebalancingSince.getAndSet(-1);
      if (since >= 0) {
        rebalances.record(now - since, TimeUnit.NANOSECONDS);
      }
    }
  }
}
