package dev.baton.app.state;

import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Read-only query: the locks one agent holds and the lock requests it waits in, found by scanning
 * the {@code locks} store. It never writes.
 *
 * <p>The store is keyed by aggregate key, not by agent, so this reads every lock of the workspace
 * (keys {@code <workspace>/lock/...} and {@code <workspace>/task/...}) in the partitions this
 * instance hosts, at most {@value #MAX_SCANNED} of them; {@link Holdings#complete()} says whether
 * the scan saw them all. Locks are never deleted, so the scan grows with the number of resources
 * ever locked in the workspace, not with the number held. Like every query, it answers for this
 * instance's partitions only; {@code GET /v1/agents/...} and the hooks gather every node's answer
 * ({@link AgentQueries#merge}). A store that is not queryable right now surfaces as Kafka's {@link
 * InvalidStateStoreException}.
 */
public final class AgentHoldings {
  /** Most lock entries one scan reads, so every call is bounded. */
  public static final int MAX_SCANNED = 100_000;

  private final LocalStores<LockState> access;
  private final int maxScanned;

  public AgentHoldings(LocalStores<LockState> access) {
    this(access, MAX_SCANNED);
  }

  AgentHoldings(LocalStores<LockState> access, int maxScanned) {
    this.access = Objects.requireNonNull(access, "access");
    this.maxScanned = maxScanned;
  }

  /** Queries over the local stores of a running {@link KafkaStreams}. */
  public static AgentHoldings of(KafkaStreams streams) {
    return new AgentHoldings(LocalStores.of(streams, StoreNames.LOCKS));
  }

  /** The order of {@link Holdings#held()}: by resource, then token. */
  public static final Comparator<Held> HELD_ORDER =
      Comparator.comparing(Held::resource).thenComparingLong(Held::token);

  /** The order of {@link Holdings#waiting()}: by resource, then queue position. */
  public static final Comparator<Waiting> WAITING_ORDER =
      Comparator.comparing(Waiting::resource).thenComparingInt(Waiting::position);

  /** A grant the agent holds. */
  public record Held(String resource, LockMode mode, long token, Instant leaseDeadline) {}

  /** A request the agent waits in; {@code position} is 1-based. */
  public record Waiting(String resource, LockMode mode, int position, Instant waitDeadline) {}

  /**
   * What the agent holds and waits for, in {@link #HELD_ORDER} and {@link #WAITING_ORDER}.
   *
   * @param complete false when the scan stopped at its bound before the end of the workspace
   */
  public record Holdings(List<Held> held, List<Waiting> waiting, boolean complete) {
    public Holdings {
      held = List.copyOf(held);
      waiting = List.copyOf(waiting);
    }
  }

  /** The locks {@code agent} holds and waits for in {@code workspace}, every local partition. */
  public Holdings find(String workspace, String agent) {
    return find(workspace, agent, access.localPartitions());
  }

  /**
   * The locks {@code agent} holds and waits for in {@code workspace}, in the local {@code
   * partitions} (read once by the caller, so that it knows which partitions the answer covers).
   */
  public Holdings find(String workspace, String agent, SortedSet<Integer> partitions) {
    Objects.requireNonNull(agent, "agent");
    String prefix = workspace + "/";
    // "\uffff" sorts after every (ASCII) key of the workspace; "ws/" never matches "ws2/...".
    String to = prefix + "\uffff";
    List<Held> held = new ArrayList<>();
    List<Waiting> waiting = new ArrayList<>();
    int scanned = 0;
    boolean complete = true;
    for (int partition : partitions) {
      try (KeyValueIterator<String, LockState> it = access.partition(partition).range(prefix, to)) {
        while (it.hasNext()) {
          if (scanned == maxScanned) {
            complete = false;
            break;
          }
          KeyValue<String, LockState> entry = it.next();
          scanned++;
          if (entry.value != null) {
            collect(entry.value, agent, held, waiting);
          }
        }
      }
    }
    held.sort(HELD_ORDER);
    waiting.sort(WAITING_ORDER);
    return new Holdings(held, waiting, complete);
  }

  private static void collect(
      LockState lock, String agent, List<Held> held, List<Waiting> waiting) {
    for (LockState.Holder h : lock.holders()) {
      if (h.agent().equals(agent)) {
        held.add(new Held(lock.resource(), h.mode(), h.token(), h.leaseDeadline()));
      }
    }
    for (int i = 0; i < lock.queue().size(); i++) {
      LockState.Waiter w = lock.queue().get(i);
      if (w.agent().equals(agent)) {
        waiting.add(new Waiting(lock.resource(), w.mode(), i + 1, w.waitDeadline()));
      }
    }
  }
}
