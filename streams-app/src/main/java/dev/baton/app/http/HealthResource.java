package dev.baton.app.http;

import dev.baton.app.sink.SinkStatus;
import io.javalin.http.Context;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * {@code GET /v1/health}: whether this node serves, and if not why. 200 only when the topology is
 * {@code RUNNING} with partitions assigned and no sink of the node is stalled or faulted; else 503.
 * The body ({@link HealthResponse}) says which:
 *
 * <ul>
 *   <li>{@code RUNNING} (200): the topology runs and owns {@code partitions};
 *   <li>{@code WAITING_FOR_ASSIGNMENT} (503): the topology runs but has no partition yet (a node
 *       that just joined, or more nodes than partitions): every key is served by another node;
 *   <li>{@code SINK_STALLED} (503): a sink stopped at an event it cannot write; {@code sinks} names
 *       the sink, partition, offset and reason. Commands and reads still work; the exports are
 *       frozen at that event;
 *   <li>{@code SINK_FAULTED} (503): a sink cannot write to its disk (full, or an I/O error or a
 *       failed fsync), or its Kafka consumer failed and is being replaced (operation {@code
 *       consume}); {@code fault} names the operation, the file, the error and when it is retried.
 *       Nothing it could not make durable counts as written; it resumes by itself;
 *   <li>any other Kafka Streams state ({@code REBALANCING}, {@code PENDING_SHUTDOWN}, {@code
 *       ERROR}, ...) (503): the topology is not running.
 * </ul>
 */
final class HealthResource {
  static final String RUNNING = "RUNNING";
  static final String WAITING_FOR_ASSIGNMENT = "WAITING_FOR_ASSIGNMENT";
  static final String SINK_STALLED = "SINK_STALLED";
  static final String SINK_FAULTED = "SINK_FAULTED";

  private final Supplier<KafkaStreams.State> state;
  private final Supplier<SortedSet<Integer>> partitions;
  private final Supplier<List<SinkStatus>> sinks;

  /**
   * @param partitions the topology's active partitions on this node; null when not known (tests)
   */
  HealthResource(
      Supplier<KafkaStreams.State> state,
      Supplier<SortedSet<Integer>> partitions,
      Supplier<List<SinkStatus>> sinks) {
    this.state = state;
    this.partitions = partitions;
    this.sinks = sinks;
  }

  /** Health of a real topology: its partitions are its active tasks'. */
  static HealthResource of(KafkaStreams streams, Supplier<List<SinkStatus>> sinks) {
    return new HealthResource(streams::state, () -> activePartitions(streams), sinks);
  }

  void health(Context ctx) {
    HealthResponse answer = current();
    ctx.status(RUNNING.equals(answer.status()) ? 200 : 503).json(answer);
  }

  HealthResponse current() {
    KafkaStreams.State streams = state.get();
    List<SinkStatus> sinkStatus = sinks.get();
    SortedSet<Integer> owned =
        streams == KafkaStreams.State.RUNNING ? partitions.get() : new TreeSet<>();
    String status;
    if (streams != KafkaStreams.State.RUNNING) {
      status = streams.name();
    } else if (sinkStatus.stream().anyMatch(s -> s.state() == SinkStatus.State.FAULTED)) {
      status = SINK_FAULTED;
    } else if (sinkStatus.stream().anyMatch(s -> s.state() == SinkStatus.State.STALLED)) {
      status = SINK_STALLED;
    } else if (owned != null && owned.isEmpty()) {
      status = WAITING_FOR_ASSIGNMENT;
    } else {
      status = RUNNING;
    }
    return new HealthResponse(
        status, streams.name(), owned == null ? null : List.copyOf(owned), sinkStatus);
  }

  private static SortedSet<Integer> activePartitions(KafkaStreams streams) {
    SortedSet<Integer> partitions = new TreeSet<>();
    // One sub-topology: a task's partition is the input partition it owns.
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      thread.activeTasks().forEach(t -> partitions.add(t.taskId().partition()));
    }
    return partitions;
  }
}
