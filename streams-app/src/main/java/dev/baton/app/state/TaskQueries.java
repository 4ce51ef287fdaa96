package dev.baton.app.state;

import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Read-only view of the {@code tasks} store for queries (the HTTP API). It never writes.
 *
 * <p>Every read goes to the per-partition stores this instance hosts as an active task. A store
 * that is not queryable right now (rebalancing, restoring) surfaces as Kafka's {@link
 * InvalidStateStoreException}, which callers answer with "retry shortly".
 *
 * <p>Listing merges the partitions' key ranges in key order (keys are ASCII, so RocksDB's byte
 * order is {@link String} order), which makes the cursor ({@code after} = last task id returned)
 * correct across partitions. A page scans at most {@value #MAX_SCANNED} entries: with a selective
 * filter it may hold fewer than {@code limit} tasks while {@link Page#next()} is still non-null.
 */
public final class TaskQueries {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  /** Most store entries one page reads, whatever its filter, so every request is bounded. */
  public static final int MAX_SCANNED = 10_000;

  private final LocalStores<Task> access;

  public TaskQueries(LocalStores<Task> access) {
    this.access = Objects.requireNonNull(access, "access");
  }

  /** Queries over the local stores of a running {@link KafkaStreams}. */
  public static TaskQueries of(KafkaStreams streams) {
    return new TaskQueries(LocalStores.of(streams, StoreNames.TASKS));
  }

  /** The result of looking up one task. */
  public sealed interface Lookup permits Found, Missing, Remote {}

  public record Found(Task task) implements Lookup {}

  public record Missing() implements Lookup {}

  /** The task lives on another instance, which the HTTP layer asks instead (one hop). */
  public record Remote(String owner) implements Lookup {}

  /** Which tasks a listing returns; null fields match anything. */
  public record Filter(String workspace, TaskStatus status, String assignee) {
    public Filter {
      Objects.requireNonNull(workspace, "workspace");
    }

    boolean matches(Task task) {
      return (status == null || status == task.status())
          && (assignee == null || assignee.equals(task.assignee()));
    }
  }

  /**
   * One page of a listing, ordered by task id.
   *
   * @param next the cursor for the following page ({@code after}), or null when nothing follows
   * @param partitions the partitions the page was read from
   */
  public record Page(List<Task> tasks, String next, SortedSet<Integer> partitions) {
    public Page(List<Task> tasks, String next) {
      this(tasks, next, new TreeSet<>());
    }
  }

  /** The task {@code workspace/taskId}, if this instance owns it. */
  public Lookup get(String workspace, String taskId) {
    LocalStores.KeyRead<Task> read = access.read(AggregateKeys.task(workspace, taskId));
    if (read.isRemote()) {
      return new Remote(read.remoteOwner());
    }
    return read.value() == null ? new Missing() : new Found(read.value());
  }

  /**
   * Up to {@code limit} tasks of the filter's workspace with ids after {@code after} (null: from
   * the start), in id order.
   */
  public Page list(Filter filter, String after, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    String prefix = AggregateKeys.taskPrefix(filter.workspace());
    // "\u0000" sorts right after `after` itself; "\uffff" after every (ASCII) id.
    String from = after == null ? prefix : prefix + after + "\u0000";
    String to = prefix + "\uffff";
    List<Task> tasks = new ArrayList<>();
    String lastKey = null;
    int scanned = 0;
    SortedSet<Integer> partitions = access.localPartitions();
    try (MergedRange range = MergedRange.open(access, partitions, from, to)) {
      while (range.hasNext() && tasks.size() < limit && scanned < MAX_SCANNED) {
        KeyValue<String, Task> entry = range.next();
        scanned++;
        lastKey = entry.key;
        if (entry.value != null && filter.matches(entry.value)) {
          tasks.add(entry.value);
        }
      }
      String next = range.hasNext() ? lastKey.substring(prefix.length()) : null;
      return new Page(List.copyOf(tasks), next, partitions);
    }
  }

  /** A k-way merge of one key range over every local partition, in key order. */
  private static final class MergedRange implements AutoCloseable {
    /** One partition's iterator and its current (not yet returned) entry. */
    private record Head(KeyValue<String, Task> entry, KeyValueIterator<String, Task> rest) {}

    private final List<KeyValueIterator<String, Task>> iterators;
    private final PriorityQueue<Head> heads =
        new PriorityQueue<>(Comparator.comparing((Head h) -> h.entry().key));

    private MergedRange(List<KeyValueIterator<String, Task>> iterators) {
      this.iterators = iterators;
      for (KeyValueIterator<String, Task> it : iterators) {
        advance(it);
      }
    }

    static MergedRange open(
        LocalStores<Task> access, SortedSet<Integer> partitions, String from, String to) {
      List<KeyValueIterator<String, Task>> opened = new ArrayList<>();
      try {
        for (int partition : partitions) {
          opened.add(access.partition(partition).range(from, to));
        }
        return new MergedRange(opened);
      } catch (RuntimeException e) {
        opened.forEach(KeyValueIterator::close);
        throw e;
      }
    }

    boolean hasNext() {
      return !heads.isEmpty();
    }

    KeyValue<String, Task> next() {
      Head head = heads.poll();
      advance(head.rest());
      return head.entry();
    }

    private void advance(KeyValueIterator<String, Task> it) {
      if (it.hasNext()) {
        heads.add(new Head(it.next(), it));
      }
    }

    @Override
    public void close() {
      RuntimeException failure = null;
      for (KeyValueIterator<String, Task> it : iterators) {
        try {
          it.close();
        } catch (RuntimeException e) {
          failure = failure == null ? e : failure;
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}
