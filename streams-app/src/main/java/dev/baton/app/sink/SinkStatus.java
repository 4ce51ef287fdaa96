package dev.baton.app.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.app.metrics.SinkMetrics;
import java.util.List;

/**
 * What a sink reports about itself for {@code GET /v1/health} and its metrics.
 *
 * @param sink {@code audit} or {@code projection}
 * @param state see {@link State}
 * @param partitions the partitions of the events topic assigned to it, in order
 * @param stall where and why it stopped, when {@link State#STALLED}; else null
 * @param fault the disk fault it waits out, when {@link State#FAULTED}; else null
 * @param faults disk and consumer faults since start (each episode once, however often it was
 *     retried)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SinkStatus(
    String sink, State state, List<Integer> partitions, Stall stall, Fault fault, long faults) {
  public SinkStatus {
    partitions = List.copyOf(partitions);
  }

  /** A status without a fault. */
  public SinkStatus(String sink, State state, List<Integer> partitions, Stall stall) {
    this(sink, state, partitions, stall, null, 0);
  }

  /** How a sink is doing. */
  public enum State {
    /** Consuming, with partitions assigned. */
    RUNNING,
    /** Started, but its consumer group has not assigned it a partition (yet). */
    WAITING_FOR_ASSIGNMENT,
    /** Stopped at a record it cannot write; it tries that record again and goes no further. */
    STALLED,
    /**
     * A write, fsync or rename failed (a full disk, an I/O error): it stopped consuming what it
     * cannot write, reports nothing past its last durable position as written, and retries with
     * backoff; it resumes from that position by itself once the disk takes writes again. Also while
     * its Kafka consumer failed (operation {@code consume}, see {@link ConsumerFault}): it makes a
     * new one, with backoff, and is consuming again from its own positions once that one is
     * assigned partitions.
     */
    FAULTED
  }

  /**
   * The record a stalled sink cannot get past.
   *
   * @param attempts how often it has tried
   * @param since when it first failed, ISO-8601 UTC with milliseconds
   */
  public record Stall(
      String topic, int partition, long offset, String reason, long attempts, String since) {}

  /**
   * The disk fault a sink waits out.
   *
   * @param partitions the partitions it stopped writing (the audit sink stops per partition; the
   *     projection sink stops all of its partitions)
   * @param operation what failed: {@code write}, {@code fsync}, {@code rename}, {@code create},
   *     {@code truncate}, {@code open}, {@code compress}, {@code checkpoint}, ..., or {@code
   *     consume} when the Kafka consumer failed
   * @param path the file or folder it failed on; null for {@code consume}
   * @param error the error the operating system or database gave
   * @param attempts how often it has tried since the fault began (the first failure is 1)
   * @param since when the fault began, ISO-8601 UTC with milliseconds
   * @param nextAttempt when it tries again, ISO-8601 UTC with milliseconds
   */
  public record Fault(
      List<Integer> partitions,
      String operation,
      String path,
      String error,
      long attempts,
      String since,
      String nextAttempt) {
    public Fault {
      partitions = List.copyOf(partitions);
    }
  }

  /** Something that can say how it is doing. */
  @FunctionalInterface
  public interface Source {
    SinkStatus status();
  }

  /** Makes {@code source}'s state a metric ({@code baton_sink_state}), read when scraped. */
  public static void measure(SinkMetrics metrics, Source source) {
    metrics.state(
        java.util.Arrays.stream(State.values()).map(Enum::name).toList(),
        () -> source.status().state().name());
    metrics.faults(() -> source.status().faults());
  }

  /** A sink that is running or waiting for partitions, by whether it has any. */
  public static SinkStatus consuming(String sink, List<Integer> partitions) {
    return consuming(sink, partitions, 0);
  }

  /** {@link #consuming(String, List)} with its count of past faults. */
  public static SinkStatus consuming(String sink, List<Integer> partitions, long faults) {
    return new SinkStatus(
        sink,
        partitions.isEmpty() ? State.WAITING_FOR_ASSIGNMENT : State.RUNNING,
        partitions,
        null,
        null,
        faults);
  }
}
