package dev.baton.app.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A latency recorder over HdrHistogram: values in microseconds, three significant digits,
 * thread-safe. Percentiles come from the histogram, never from averages.
 */
public final class Latency {
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final Histogram histogram = new ConcurrentHistogram(MAX_MICROS, 3);

  /** Records one latency measured in nanoseconds (values past ten minutes count as ten). */
  public void recordNanos(long nanos) {
    long micros = Math.max(0, nanos / 1_000);
    histogram.recordValue(Math.min(micros, MAX_MICROS));
  }

  public long count() {
    return histogram.getTotalCount();
  }

  /** The value at {@code percentile} (0..100) in milliseconds. */
  public double percentileMs(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1_000.0;
  }

  public double p50Ms() {
    return percentileMs(50);
  }

  public double p99Ms() {
    return percentileMs(99);
  }

  public double p999Ms() {
    return percentileMs(99.9);
  }

  public double maxMs() {
    return histogram.getMaxValue() / 1_000.0;
  }

  public void reset() {
    histogram.reset();
  }

  /** Adds {@code <prefix>p50_ms}, {@code p99_ms}, {@code p999_ms} as metrics of {@code result}. */
  public void addMetrics(BenchResult result, String prefix) {
    result.metric(prefix + "p50_ms", p50Ms());
    result.metric(prefix + "p99_ms", p99Ms());
    result.metric(prefix + "p999_ms", p999Ms());
  }
}
