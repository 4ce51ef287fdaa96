package dev.baton.app.sink;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * A sink's Kafka consumer that failed (its group membership or its group coordinator), from the
 * first failure until the new consumer the sink made in its place is assigned partitions.
 *
 * <p>The sinks keep their own positions (the audit files, the projection's offsets table) and seek
 * to them on assignment, so a consumer can be thrown away at any time: the sink closes it (a static
 * member does not leave the group), releases its partitions, waits a backoff ({@value
 * DiskFault#FIRST_BACKOFF_MS} ms, doubling, at most {@value #MAX_BACKOFF_MS} ms), makes a new one
 * with the same settings, subscribes again and goes on from its stored positions through the normal
 * assignment path: nothing is written twice or skipped. Meanwhile the sink is {@link
 * SinkStatus.State#FAULTED} with {@code operation} {@value #OPERATION} (no {@code path}); the first
 * failure of a fault is logged at WARN with its cause, then at most once a minute.
 *
 * <p>Not thread-safe, except {@link #view()}: the sink thread owns it.
 */
public final class ConsumerFault {
  /** The {@link SinkStatus.Fault#operation()} of a consumer fault. */
  public static final String OPERATION = "consume";

  /** A new consumer is made at most this long after the previous one failed. */
  public static final long MAX_BACKOFF_MS = 5_000;

  /**
   * What stops a sink although Kafka's client threw it: the sink's own controls ({@link
   * WakeupException}, {@link InterruptException}), settings a new consumer would meet again
   * (authentication, authorization, an invalid group id, another assignor in the group, an old
   * broker, bad client settings), positions the sink handles itself ({@link
   * InvalidOffsetException}) and records that cannot be read ({@link SerializationException},
   * {@link CorruptRecordException}, {@link InvalidRecordException}: read again from the same
   * position they would fail again).
   */
  private static final List<Class<? extends Throwable>> FATAL =
      List.of(
          WakeupException.class,
          InterruptException.class,
          AuthenticationException.class,
          AuthorizationException.class,
          InvalidGroupIdException.class,
          InconsistentGroupProtocolException.class,
          UnsupportedVersionException.class,
          ConfigException.class,
          InvalidConfigurationException.class,
          InvalidOffsetException.class,
          SerializationException.class,
          CorruptRecordException.class,
          InvalidRecordException.class);

  private final String sink;
  private final Logger log;
  // The sink thread's.
  private DiskFault fault;
  private List<Integer> partitions = List.of();
  private volatile SinkStatus.Fault view;

  /** The consumer fault of sink {@code sink} ({@code audit}, {@code projection}). */
  public ConsumerFault(String sink, Logger log) {
    this.sink = sink;
    this.log = log;
  }

  /**
   * Whether a sink recovers from {@code e}, thrown by its consumer ({@code poll()}, a commit, a
   * position), by closing the consumer and consuming again with a new one: any {@link
   * KafkaException} (a fenced static member, an error from JoinGroup, SyncGroup or Heartbeat such
   * as {@code COORDINATOR_LOAD_IN_PROGRESS}, which the client does not retry on SyncGroup, a failed
   * commit, a rebalance in progress, a coordinator or broker that is not available, a timeout)
   * except the {@link #FATAL} ones, and only when every cause in its chain is a {@link
   * KafkaException} too: an exception of the sink's own code (a rebalance callback that threw a
   * {@link NullPointerException} or an {@link IllegalStateException}, which the consumer wraps) is
   * a bug and stops the sink.
   */
  public static boolean recoverable(Throwable e) {
    if (!(e instanceof KafkaException)) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (!(t instanceof KafkaException)) {
        return false;
      }
      for (Class<? extends Throwable> fatal : FATAL) {
        if (fatal.isInstance(t)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Records that the consumer failed with {@code e} while it had {@code assigned} (the caller then
   * closes it and waits {@link #backoffMs()}).
   *
   * @return whether this begins a fault (count it once), rather than one going on
   */
  public boolean failed(RuntimeException e, List<Integer> assigned) {
    long now = System.currentTimeMillis();
    boolean first = fault == null;
    if (first) {
      fault = new DiskFault(OPERATION, null, e, now, MAX_BACKOFF_MS);
      partitions = List.copyOf(assigned);
      log.warn(
          "{} sink FAULTED: its Kafka consumer failed ({}); closing it and consuming again with a"
              + " new one in {} ms from the sink's own positions (backing off to {} ms)",
          sink,
          fault.error(),
          fault.backoffMs(),
          MAX_BACKOFF_MS,
          e);
    } else if (fault.failedAgain(OPERATION, null, e, now)) {
      log.warn(
          "{} sink still FAULTED after {} attempts: its Kafka consumer failed again ({})",
          sink,
          fault.attempts(),
          fault.error());
    }
    view = fault.view(partitions);
    return first;
  }

  /** How long to wait before making the next consumer. */
  public long backoffMs() {
    return fault == null ? 0 : fault.backoffMs();
  }

  /** The new consumer was assigned its partitions: the fault, if any, is over. */
  public void recovered() {
    if (fault == null) {
      return;
    }
    log.info(
        "{} sink consuming again after {} attempts ({} ms without a consumer)",
        sink,
        fault.attempts(),
        System.currentTimeMillis() - fault.sinceMs());
    clear();
  }

  /** The sink stopped for good: what it reports is why, no longer this fault. */
  public void clear() {
    fault = null;
    partitions = List.of();
    view = null;
  }

  /** The fault as {@code /v1/health} shows it, or null when the consumer is fine. */
  public SinkStatus.Fault view() {
    return view;
  }

  /**
   * Closes a sink's consumer (a static member stays in the group; its rebalance callbacks may run)
   * and unbinds its metrics; logs what fails.
   */
  public static void close(
      Consumer<?, ?> consumer, AutoCloseable metrics, Duration timeout, Logger log) {
    try {
      consumer.close(timeout);
    } catch (RuntimeException e) {
      log.warn("error while closing the sink's Kafka consumer", e);
    } finally {
      try {
        metrics.close();
      } catch (Exception e) {
        log.debug("unbinding the metrics of the sink's Kafka consumer", e);
      }
    }
  }

  /** Wakes {@code consumer} up from a poll, if there is one (it may be closing). */
  public static void wakeup(Consumer<?, ?> consumer, Logger log) {
    if (consumer == null) {
      return;
    }
    try {
      consumer.wakeup();
    } catch (RuntimeException e) {
      log.debug("waking a sink's Kafka consumer that closes", e);
    }
  }
}
