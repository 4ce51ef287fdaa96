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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SinkStatus(String sink, State state, List<Integer> partitions, Stall stall) {
  public SinkStatus {
    partitions = List.copyOf(partitions);
  }

  /** How a sink is doing. */
  public enum State {
    /** Consuming, with partitions assigned. */
    RUNNING,
    /** Started, but its consumer group has not assigned it a partition (yet). */
    WAITING_FOR_ASSIGNMENT,
    /** Stopped at a record it cannot write; it tries that record again and goes no further. */
    STALLED
  }

  /**
   * The record a stalled sink cannot get past.
   *
   * @param attempts how often it has tried
   * @param since when it first failed, ISO-8601 UTC with milliseconds
   */
  public record Stall(
      String topic, int partition, long offset, String reason, long attempts, String since) {}

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
  }

  /** A sink that is running or waiting for partitions, by whether it has any. */
  public static SinkStatus consuming(String sink, List<Integer> partitions) {
    return new SinkStatus(
        sink,
        partitions.isEmpty() ? State.WAITING_FOR_ASSIGNMENT : State.RUNNING,
        partitions,
        null);
  }
}
