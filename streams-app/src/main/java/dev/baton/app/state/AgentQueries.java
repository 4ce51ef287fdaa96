package dev.baton.app.state;

import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * What one agent holds, waits for and is assigned in a workspace, for {@code GET
 * /v1/agents/{ws}/{agent}} and the hooks: the locks come from {@link AgentHoldings} (the one scan
 * of the {@code locks} store), the tasks from a range scan of the workspace's keys in the {@code
 * tasks} store, both over the same local partitions, read once ({@link Local#partitions()}). No
 * store of its own: tasks are keyed by aggregate, so "by assignee" is a scan, bounded by {@link
 * #MAX_SCANNED} entries; a workspace larger than that (or than {@link AgentHoldings#MAX_SCANNED}
 * locks) answers with {@code complete = false}.
 *
 * <p>One node's answer covers its partitions only; {@link #merge} joins the answers of every node
 * (gathered by the HTTP layer) into the answer a single node hosting every partition would give.
 */
public final class AgentQueries {
  /** Task entries one query reads at most. */
  public static final int MAX_SCANNED = 50_000;

  /**
   * The answer.
   *
   * @param holds in {@link AgentHoldings#HELD_ORDER}
   * @param waits in {@link AgentHoldings#WAITING_ORDER}
   * @param tasks the tasks assigned to the agent, in id order
   * @param complete false when a scan stopped at its bound before the end of the workspace
   */
  public record AgentView(
      String workspace,
      String agent,
      List<AgentHoldings.Held> holds,
      List<AgentHoldings.Waiting> waits,
      List<Task> tasks,
      boolean complete) {
    public AgentView {
      holds = List.copyOf(holds);
      waits = List.copyOf(waits);
      tasks = List.copyOf(tasks);
    }

    /** The locks as {@link AgentHoldings} reports them. */
    public AgentHoldings.Holdings holdings() {
      return new AgentHoldings.Holdings(holds, waits, complete);
    }
  }

  /** This node's answer and the partitions it was read from. */
  public record Local(AgentView view, SortedSet<Integer> partitions) {}

  private final AgentHoldings locks;
  private final LocalStores<Task> tasks;

  public AgentQueries(AgentHoldings locks, LocalStores<Task> tasks) {
    this.locks = Objects.requireNonNull(locks, "locks");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
  }

  /** Over every local partition of a running {@link KafkaStreams}. */
  public static AgentQueries of(KafkaStreams streams) {
    return new AgentQueries(AgentHoldings.of(streams), LocalStores.of(streams, StoreNames.TASKS));
  }

  /**
   * {@code agent} in {@code workspace}, from the partitions this node hosts.
   *
   * @throws org.apache.kafka.streams.errors.InvalidStateStoreException when the stores are not
   *     queryable right now
   */
  public Local agent(String workspace, String agent) {
    SortedSet<Integer> partitions = tasks.localPartitions();
    AgentHoldings.Holdings holdings = locks.find(workspace, agent, partitions);
    List<Task> assigned = new ArrayList<>();
    boolean complete = holdings.complete();
    int scanned = 0;
    String taskPrefix = AggregateKeys.taskPrefix(workspace);
    for (int partition : partitions) {
      if (scanned > MAX_SCANNED) {
        break;
      }
      try (KeyValueIterator<String, Task> it =
          tasks.partition(partition).range(taskPrefix, taskPrefix + "\uffff")) {
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
    }
    assigned.sort(Comparator.comparing(Task::id));
    return new Local(
        new AgentView(workspace, agent, holdings.held(), holdings.waiting(), assigned, complete),
        partitions);
  }

  /**
   * The answers of several nodes for one agent as one answer, ordered as one node's: grants by
   * resource and token, queued requests by resource and position, tasks by id; complete only when
   * every part is. An entry two nodes both report (a partition moving between them) is kept once, a
   * task in its highest version.
   */
  public static AgentView merge(List<AgentView> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no answer to merge");
    }
    Set<AgentHoldings.Held> held = new LinkedHashSet<>();
    Set<AgentHoldings.Waiting> waiting = new LinkedHashSet<>();
    Map<String, Task> tasks = new TreeMap<>();
    boolean complete = true;
    for (AgentView part : parts) {
      held.addAll(part.holds());
      waiting.addAll(part.waits());
      for (Task task : part.tasks()) {
        tasks.merge(task.id(), task, (a, b) -> a.version() >= b.version() ? a : b);
      }
      complete &= part.complete();
    }
    List<AgentHoldings.Held> holds = new ArrayList<>(held);
    holds.sort(AgentHoldings.HELD_ORDER);
    List<AgentHoldings.Waiting> waits = new ArrayList<>(waiting);
    waits.sort(AgentHoldings.WAITING_ORDER);
    AgentView first = parts.get(0);
    return new AgentView(
        first.workspace(), first.agent(), holds, waits, new ArrayList<>(tasks.values()), complete);
  }
}
