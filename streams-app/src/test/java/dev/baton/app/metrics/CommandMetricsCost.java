package dev.baton.app.metrics;

import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import java.time.Instant;
import java.util.Arrays;

/**
 * What the processor's metrics cost per command on one thread (not a test; run by hand, see
 * docs/benchmarks.md): the calls the processor makes per command (read, one outcome sent, the
 * decide time with its two {@code System.nanoTime()} calls) against a Prometheus registry, next to
 * the two {@code nanoTime()} calls alone. Median of five rounds of five million commands, after
 * three warm-up rounds.
 */
public final class CommandMetricsCost {
  private static final int COMMANDS = 5_000_000;
  private static long sink;

  private CommandMetricsCost() {}

  public static void main(String[] args) {
    Outcome outcome =
        Outcome.rejected(
            "c1", CommandType.LOCK_ACQUIRE, "k", OutcomeCode.LOCKED, "m", Instant.now());
    try (BatonMetrics metrics = BatonMetrics.prometheus()) {
      CommandMetrics commands = metrics.commands();
      for (int r = 0; r < 3; r++) {
        recorded(commands, outcome);
        clockOnly();
      }
      double[] recorded = new double[5];
      double[] clock = new double[5];
      for (int r = 0; r < 5; r++) {
        recorded[r] = recorded(commands, outcome);
        clock[r] = clockOnly();
      }
      Arrays.sort(recorded);
      Arrays.sort(clock);
      System.out.printf(
          "per command, median of 5 x %d: with metrics %.1f ns, the two nanoTime calls alone %.1f"
              + " ns%n",
          COMMANDS, recorded[2], clock[2]);
    }
  }

  private static double recorded(CommandMetrics commands, Outcome outcome) {
    long t0 = System.nanoTime();
    for (int i = 0; i < COMMANDS; i++) {
      long started = System.nanoTime();
      commands.read(CommandType.LOCK_ACQUIRE);
      commands.sent(outcome);
      commands.decided(CommandType.LOCK_ACQUIRE, System.nanoTime() - started);
    }
    return (System.nanoTime() - t0) / (double) COMMANDS;
  }

  private static double clockOnly() {
    long t0 = System.nanoTime();
    for (int i = 0; i < COMMANDS; i++) {
      long started = System.nanoTime();
      sink += System.nanoTime() - started;
    }
    return (System.nanoTime() - t0) / (double) COMMANDS;
  }
}
