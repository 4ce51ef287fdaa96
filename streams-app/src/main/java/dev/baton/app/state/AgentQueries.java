package dev.baton.app.state;

import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * What one agent holds, waits for and is assigned in a workspace, for {@code GET
 * /v1/agents/{ws}/{agent}}: the locks come from {@link AgentHoldings} (the one scan of the {@code
 * locks} store the hooks and MCP use too), the tasks from a range scan of the workspace's keys in
 * the {@code tasks} store, every local partition. No store of its own: tasks are keyed by
 * aggregate, so "by assignee" is a scan, bounded by {@link #MAX_SCANNED} entries; a workspace
 * larger than that (or than {@link AgentHoldings#MAX_SCANNED} locks) answers with {@code complete =
 * false}.
 */
public final class AgentQueries {
  /** Task entries one query reads at most. */
  public static final int MAX_SCANNED = 50_000;

  /**
   * The answer.
   *
   * @param complete false when a scan stopped at its bound before the end of the workspace
   */
  public record AgentView(
      String workspace,
      String agent,
      List<AgentHoldings.Held> holds,
      List<AgentHoldings.Waiting> waits,
      List<Task> tasks,
      boolean complete) {}

  /** Reads one store's entries in a key range; closes what it opens. */
  public interface Range<V> {
    KeyValueIterator<String, V> range(String from, String to);
  }

  private final AgentHoldings locks;
  private final Range<Task> tasks;

  public AgentQueries(AgentHoldings locks, Range<Task> tasks) {
    this.locks = Objects.requireNonNull(locks, "locks");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
  }

  /** Over every local partition of a running {@link KafkaStreams}. */
  public static AgentQueries of(KafkaStreams streams) {
    return new AgentQueries(
        AgentHoldings.of(streams),
        (from, to) ->
            streams
                .store(
                    StoreQueryParameters.fromNameAndType(
                        StoreNames.TASKS, QueryableStoreTypes.<String, Task>keyValueStore()))
                .range(from, to));
  }

  public AgentView agent(String workspace, String agent) {
    AgentHoldings.Holdings holdings = locks.find(workspace, agent);
    List<Task> assigned = new ArrayList<>();
    boolean complete = holdings.complete();
    int scanned = 0;
    String taskPrefix = AggregateKeys.taskPrefix(workspace);
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
    assigned.sort(Comparator.comparing(Task::id));
    return new AgentView(workspace, agent, holdings.held(), holdings.waiting(), assigned, complete);
  }
}
