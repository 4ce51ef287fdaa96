package dev.baton.app.sink;

import dev.baton.app.io.FixedWidthTimes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One disk fault of a sink, from its first failure until the sink writes again: what failed, how
 * often it was tried, when it is tried next. Retries back off exponentially from {@value
 * #FIRST_BACKOFF_MS} ms to {@value #MAX_BACKOFF_MS} ms (or another cap: {@link ConsumerFault} uses
 * one for a sink's Kafka consumer). Not thread-safe: the sink thread owns it and publishes {@link
 * #view} snapshots.
 */
public final class DiskFault {
  /** The first retry comes this long after the failure. */
  public static final long FIRST_BACKOFF_MS = 200;

  /** Retries are at most this far apart. */
  public static final long MAX_BACKOFF_MS = 10_000;

  private static final long LOG_INTERVAL_MS = TimeUnit.MINUTES.toMillis(1);

  private final long sinceMs;
  private final long maxBackoffMs;
  private String operation;
  private String path;
  private String error;
  private long attempts;
  private long backoffMs = FIRST_BACKOFF_MS;
  private long nextAttemptMs;
  private long loggedAtMs;

  /** A fault that began at {@code nowMs} (wall clock) with {@code error}. */
  public DiskFault(String operation, Path path, Throwable error, long nowMs) {
    this(operation, path, error, nowMs, MAX_BACKOFF_MS);
  }

  /** As above, with retries at most {@code maxBackoffMs} apart; {@code path} may be null. */
  public DiskFault(String operation, Path path, Throwable error, long nowMs, long maxBackoffMs) {
    this.sinceMs = nowMs;
    this.maxBackoffMs = maxBackoffMs;
    this.loggedAtMs = nowMs;
    record(operation, path, error, nowMs);
  }

  /** Whether the next attempt is due. */
  public boolean due(long nowMs) {
    return nowMs >= nextAttemptMs;
  }

  /**
   * Records another failed attempt and backs off.
   *
   * @return whether to log it: the first failure is logged by the caller, then at most one a minute
   */
  public boolean failedAgain(String operation, Path path, Throwable error, long nowMs) {
    backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
    record(operation, path, error, nowMs);
    if (nowMs - loggedAtMs >= LOG_INTERVAL_MS) {
      loggedAtMs = nowMs;
      return true;
    }
    return false;
  }

  private void record(String operation, Path path, Throwable error, long nowMs) {
    this.operation = operation;
    this.path = path == null ? null : path.toAbsolutePath().toString();
    this.error = describe(error);
    this.attempts++;
    this.nextAttemptMs = nowMs + backoffMs;
  }

  /** The error as an operator reads it: the OS message and, for file errors, the file. */
  public static String describe(Throwable e) {
    String message = e.getMessage();
    String type = e instanceof IOException ? e.getClass().getSimpleName() : e.getClass().getName();
    return message == null ? type : type + ": " + message;
  }

  public long attempts() {
    return attempts;
  }

  public String operation() {
    return operation;
  }

  public String path() {
    return path;
  }

  public String error() {
    return error;
  }

  /** How long after the previous attempt the next one comes. */
  public long backoffMs() {
    return backoffMs;
  }

  /** When it began, wall clock milliseconds. */
  public long sinceMs() {
    return sinceMs;
  }

  /** The fault as {@code /v1/health} shows it. */
  public SinkStatus.Fault view(List<Integer> partitions) {
    return new SinkStatus.Fault(
        partitions,
        operation,
        path,
        error,
        attempts,
        FixedWidthTimes.format(Instant.ofEpochMilli(sinceMs)),
        FixedWidthTimes.format(Instant.ofEpochMilli(nextAttemptMs)));
  }
}
