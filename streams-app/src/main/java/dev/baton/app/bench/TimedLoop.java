package dev.baton.app.bench;

import java.time.Duration;

/**
 * Runs one operation after the other for a warm-up and then a measured period, recording the
 * latency of each operation that started in the measured period.
 */
final class TimedLoop {
  /** One timed operation; {@code i} counts calls from 0. */
  @FunctionalInterface
  interface Operation {
    void run(long i) throws Exception;
  }

  private TimedLoop() {}

  static void run(Duration warmup, Duration measure, Latency latency, Operation op)
      throws Exception {
    long start = System.nanoTime();
    long recordFrom = start + warmup.toNanos();
    long end = recordFrom + measure.toNanos();
    for (long i = 0; ; i++) {
      long t0 = System.nanoTime();
      if (t0 >= end) {
        return;
      }
      op.run(i);
      if (t0 >= recordFrom) {
        latency.recordNanos(System.nanoTime() - t0);
      }
    }
  }
}
