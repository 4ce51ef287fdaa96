package dev.baton.app.state;

import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What one agent holds, waits for and is assigned in a workspace, read from the {@code locks} and
 * {@code tasks} stores of this instance (a range scan of the workspace's keys, every local
 * partition). No store of its own: locks and tasks are keyed by aggregate, so "by agent" is a scan,
 * bounded by {@link #MAX_SCANNED} entries per store; a workspace larger than that answers with
 * {@code complete = false}.
 */
public final class AgentQueries {
  /** Store entries one query reads at most, per store. */
  public static final int MAX_SCANNED = 50_000;

  /** A lock the agent holds. */
  public record Held(String resource, LockMode mode, long token, Instant leaseDeadline) {}

  /** A lock request of the agent waiting in a queue; {@code position} 1 is next. */
  public record Waiting(String resource, LockMode mode, int position, Instant waitDeadline) {}

  /**
   * The answer.
   *
   * @param complete false when a store held more than {@link #MAX_SCANNED} entries of the workspace
   *     and the rest was not read
   */
  public record AgentView(
      String workspace,
      String agent,
      List<Held> holds,
      List<Waiting> waits,
      List<Task> tasks,
      boolean complete) {}

  /** Reads one store's entries in a key range; closes what it opens. */
  public interface Range<V> {
    KeyValueIterator<String, V> range(String from, String to);
  }

  private final Range<LockState> locks;
  private final Range<Task> tasks;

  public AgentQueries(Range<LockState> locks, Range<Task> tasks) {
    this.locks = Objects.requireNonNull(locks, "locks");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
  }

  /** Over every local partition of a running {@link KafkaStreams}. */
  public static AgentQueries of(KafkaStreams streams) {
    return new AgentQueries(
        (from, to) -> store(streams, StoreNames.LOCKS, LockState.class).range(from, to),
        (from, to) -> store(streams, StoreNames.TASKS, Task.class).range(from, to));
  }

  private static <V> ReadOnlyKeyValueStore<String, V> store(
      KafkaStreams streams, String name, Class<V> type) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
  }

  public AgentView agent(String workspace, String agent) {
    String from = workspace + "/";
    String to = workspace + "/\uffff";
    List<Held> holds = new ArrayList<>();
    List<Waiting> waits = new ArrayList<>();
    List<Task> assigned = new ArrayList<>();
    boolean complete = true;
    int scanned = 0;
    try (KeyValueIterator<String, LockState> it = locks.range(from, to)) {
      while (it.hasNext()) {
        if (++scanned > MAX_SCANNED) {
          complete = false;
          break;
        }
        LockState lock = it.next().value;
        if (lock == null) {
          continue;
        }
        for (LockState.Holder h : lock.holders()) {
          if (agent.equals(h.agent())) {
            holds.add(new Held(lock.resource(), h.mode(), h.token(), h.leaseDeadline()));
          }
        }
        List<LockState.Waiter> queue = lock.queue();
        for (int i = 0; i < queue.size(); i++) {
          LockState.Waiter w = queue.get(i);
          if (agent.equals(w.agent())) {
            waits.add(new Waiting(lock.resource(), w.mode(), i + 1, w.waitDeadline()));
          }
        }
      }
    }
    scanned = 0;
    String taskPrefix = dev.baton.sdk.protocol.AggregateKeys.taskPrefix(workspace);
    try (KeyValueIterator<String, Task> it = tasks.range(taskPrefix, taskPrefix + "\uffff")) {
      while (it.hasNext()) {
        if (++scanned > MAX_SCANNED) {
          complete = false;
          break;
        }
        KeyValue<String, Task> entry = it.next();
        if (entry.value != null && agent.equals(entry.value.assignee())) {
          assigned.add(entry.value);
        }
      }
    }
    holds.sort(Comparator.comparing(Held::resource));
    waits.sort(Comparator.comparing(Waiting::resource));
    assigned.sort(Comparator.comparing(Task::id));
    return new AgentView(workspace, agent, holds, waits, assigned, complete);
  }
}
