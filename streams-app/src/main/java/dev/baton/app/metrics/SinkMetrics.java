package dev.baton.app.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The meters of one sink ({@code sink} tag {@code audit} or {@code projection}):
 *
 * <ul>
 *   <li>{@code baton_sink_lag_records{sink,partition}}: records of the events partition that the
 *       sink has not made durable yet (end of the partition minus the next offset fsynced to the
 *       audit files or committed to the projection), per assigned partition;
 *   <li>{@code baton_sink_state{sink,state}}: 1 for the sink's current state ({@code RUNNING},
 *       {@code WAITING_FOR_ASSIGNMENT}, {@code STALLED}, {@code FAULTED}), as {@code /v1/health}
 *       reports it;
 *   <li>{@code baton_sink_fsync_seconds{sink}}: each fsync of an audit segment;
 *   <li>{@code baton_sink_segment_rotations_total{sink,reason}}: audit segments closed, by why
 *       (size, lines, age, stop);
 *   <li>{@code baton_sink_checkpoint_seconds{sink,kind}}: each projection checkpoint, full or
 *       incremental.
 * </ul>
 *
 * Called from the sink's own thread, except the gauges, which are read when scraped.
 */
public final class SinkMetrics {
  private final MeterRegistry registry;
  private final String sink;
  private final Map<Integer, AtomicLong> lag = new ConcurrentHashMap<>();
  private final Map<Integer, Gauge> lagGauges = new ConcurrentHashMap<>();
  private final Map<String, Counter> rotations = new ConcurrentHashMap<>();
  private final Map<String, Timer> checkpoints = new ConcurrentHashMap<>();
  private final Timer fsync;

  SinkMetrics(MeterRegistry registry, String sink) {
    this.registry = registry;
    this.sink = sink;
    this.fsync =
        BatonMetrics.histogram(
                "baton.sink.fsync",
                "Time of each fsync of a sink's file",
                Duration.ofNanos(100_000),
                Duration.ofMillis(1),
                Duration.ofMillis(5),
                Duration.ofMillis(10),
                Duration.ofMillis(25),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5))
            .tag("sink", sink)
            .register(registry);
  }

  /** A sink's meters that go nowhere (tests and tools that run a sink without a node). */
  public static SinkMetrics none(String sink) {
    return BatonMetrics.none().sink(sink);
  }

  /**
   * Follows the sink's state as {@code state} reports it (the name of its state enum): one gauge
   * per value of {@code states}, 1 for the current one.
   */
  public void state(Collection<String> states, Supplier<String> state) {
    for (String s : states) {
      Gauge.builder("baton.sink.state", state, current -> s.equals(current.get()) ? 1 : 0)
          .description("A sink's state as /v1/health reports it: 1 for the current one")
          .tag("sink", sink)
          .tag("state", s)
          .strongReference(true)
          .register(registry);
    }
  }

  /**
   * Follows the sink's count of faults since start, of its disk or of its Kafka consumer (each
   * fault once, however long it lasts).
   */
  public void faults(Supplier<Long> faults) {
    FunctionCounter.builder("baton.sink.faults", faults, f -> f.get())
        .description(
            "Faults a sink met since start: its disk (a full disk, a failed fsync or rename) or"
                + " its Kafka consumer (fenced, its group coordinator failing)")
        .tag("sink", sink)
        .register(registry);
  }

  /** The partition's lag: {@code end} (the end offset) minus {@code durableNext}. */
  public void lag(int partition, long end, long durableNext) {
    long value = Math.max(0, end - Math.max(0, durableNext));
    AtomicLong holder =
        lag.computeIfAbsent(
            partition,
            p -> {
              AtomicLong h = new AtomicLong();
              lagGauges.put(
                  p,
                  Gauge.builder("baton.sink.lag", h, AtomicLong::get)
                      .description("Records of a partition the sink has not made durable yet")
                      .baseUnit("records")
                      .tag("sink", sink)
                      .tag("partition", Integer.toString(p))
                      .strongReference(true)
                      .register(registry));
              return h;
            });
    holder.set(value);
  }

  /** Keeps the lag gauges of {@code partitions} only (after a rebalance). */
  public void assigned(Set<Integer> partitions) {
    for (Integer p : Set.copyOf(lag.keySet())) {
      if (!partitions.contains(p)) {
        lag.remove(p);
        Gauge g = lagGauges.remove(p);
        if (g != null) {
          registry.remove(g);
        }
      }
    }
  }

  /** Forces {@code channel} to disk ({@link FileChannel#force}) and times it. */
  public void force(FileChannel channel, boolean metaData) throws IOException {
    long start = System.nanoTime();
    channel.force(metaData);
    fsync.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  /** An audit segment was closed, for {@code reason}. */
  public void rotated(String reason) {
    rotations
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("baton.sink.segment.rotations")
                    .description("Audit segments closed, by reason")
                    .tag("sink", sink)
                    .tag("reason", r)
                    .register(registry))
        .increment();
  }

  /** A checkpoint ({@code full} or incremental) took {@code nanos}. */
  public void checkpointed(boolean full, long nanos) {
    String kind = full ? "full" : "incremental";
    checkpoints
        .computeIfAbsent(
            kind,
            k ->
                BatonMetrics.histogram(
                        "baton.sink.checkpoint",
                        "Time of each projection checkpoint",
                        Duration.ofMillis(10),
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(2))
                    .tag("sink", sink)
                    .tag("kind", k)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
