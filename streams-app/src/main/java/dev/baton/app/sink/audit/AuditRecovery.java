package dev.baton.app.sink.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Rebuilds task and lock state from the audit segments in one streaming pass, without Kafka.
 *
 * <p>Every task and lock event carries the aggregate's whole state after the change ({@code data}),
 * so the newest version per key wins; an older version seen later is ignored. Tasks and locks are
 * kept apart (a lock on {@code task/<id>} shares the task's key but has its own versions). Lines
 * with a problem (see {@link PartitionScanner}) are reported with their location, counted and never
 * applied; so are readable lines whose event cannot be read.
 *
 * <p>Full recovery starts from nothing; partial recovery starts from a previous result (its state
 * and per-partition offsets, {@link #readBase}) and applies only what follows; a time or offset
 * range applies only the events inside it.
 *
 * <h2>Output format {@value #FORMAT}</h2>
 *
 * <pre>
 * {"tasks":[&lt;Task&gt;...],"locks":[&lt;LockState&gt;...],
 *  "offsets":{"0":1041,"1":877},"events":1234,"problems":0,"format":"baton-audit-state/1"}
 * </pre>
 *
 * Tasks and locks are in key order, written as the protocol writes them (the HTTP API shows the
 * same task documents). {@code offsets} is the newest offset applied per partition: give the file
 * to {@code --base} to go on from there.
 */
public final class AuditRecovery {
  public static final String FORMAT = "baton-audit-state/1";

  private final Map<String, Task> tasks = new TreeMap<>();
  private final Map<String, LockState> locks = new TreeMap<>();
  private final Map<Integer, Long> offsets = new TreeMap<>();
  private long events;
  private long problems;

  private AuditRecovery() {}

  /** State recovered so far: a result, or the base of a partial recovery. */
  public record State(
      Map<String, Task> tasks,
      Map<String, LockState> locks,
      Map<Integer, Long> offsets,
      long events,
      long problems) {

    public static final State EMPTY = new State(Map.of(), Map.of(), Map.of(), 0, 0);

    /** The output document described above. */
    public ObjectNode toJson() {
      ObjectNode root = Json.mapper().createObjectNode();
      ArrayNode t = root.putArray("tasks");
      new TreeMap<>(tasks).values().forEach(task -> t.add(Json.mapper().valueToTree(task)));
      ArrayNode l = root.putArray("locks");
      new TreeMap<>(locks).values().forEach(lock -> l.add(Json.mapper().valueToTree(lock)));
      ObjectNode o = root.putObject("offsets");
      new TreeMap<>(offsets).forEach((p, off) -> o.put(Integer.toString(p), off));
      root.put("events", events);
      root.put("problems", problems);
      root.put("format", FORMAT);
      return root;
    }
  }

  /**
   * Recovers state.
   *
   * @param base the state to start from ({@link State#EMPTY} for a full recovery); only lines after
   *     its offsets are applied
   * @param range the time and offset range to apply
   * @param onProblem told about every line not applied because of damage
   */
  public static State recover(
      AuditDirectory dir,
      State base,
      AuditFilter range,
      Consumer<PartitionScanner.Problem> onProblem) {
    AuditRecovery r = new AuditRecovery();
    r.tasks.putAll(base.tasks());
    r.locks.putAll(base.locks());
    r.offsets.putAll(base.offsets());
    r.events = base.events();
    AuditFilter filter = range.rangeOnly();
    for (int partition : dir.partitions()) {
      if (filter.includesPartition(partition)) {
        r.replay(dir, partition, filter, onProblem);
      }
    }
    return new State(
        Map.copyOf(r.tasks), Map.copyOf(r.locks), Map.copyOf(r.offsets), r.events, r.problems);
  }

  private void replay(
      AuditDirectory dir,
      int partition,
      AuditFilter filter,
      Consumer<PartitionScanner.Problem> onProblem) {
    long after = offsets.getOrDefault(partition, -1L);
    long from = Math.max(after + 1, filter.fromOffset());
    try (PartitionScanner scanner = new PartitionScanner(dir, partition, from)) {
      PartitionScanner.Item item;
      while ((item = scanner.next()) != null) {
        if (!item.ok()) {
          problems++;
          onProblem.accept(item.problem());
          continue;
        }
        AuditLine line = item.line();
        if (line.offset() <= after) {
          continue;
        }
        if (filter.beyondRange(line.offset())) {
          break;
        }
        if (!filter.matches(line)) {
          continue;
        }
        if (apply(line, item, onProblem)) {
          events++;
        }
        offsets.put(partition, line.offset());
      }
    }
  }

  private boolean apply(
      AuditLine line, PartitionScanner.Item item, Consumer<PartitionScanner.Problem> onProblem) {
    if (line.event() == null) {
      return false;
    }
    try {
      Event event = Json.mapper().treeToValue(line.event(), Event.class);
      if (event.type() == null || event.key() == null || event.data() == null) {
        return true;
      }
      if (isTask(event.type())) {
        Task task = Json.mapper().treeToValue(event.data(), Task.class);
        Task known = tasks.get(event.key());
        if (known == null || task.version() > known.version()) {
          tasks.put(event.key(), task);
        }
      } else if (isLock(event.type())) {
        LockState lock = Json.mapper().treeToValue(event.data(), LockState.class);
        LockState known = locks.get(event.key());
        if (known == null || lock.version() > known.version()) {
          locks.put(event.key(), lock);
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      problems++;
      onProblem.accept(
          new PartitionScanner.Problem(
              item.segment(),
              item.lineNumber(),
              PartitionScanner.Kind.GARBAGE,
              "the line is intact but its event cannot be read: " + e.getMessage()));
      return false;
    }
  }

  private static boolean isTask(EventType type) {
    return type.wire().startsWith("task.");
  }

  private static boolean isLock(EventType type) {
    return type.wire().startsWith("lock.");
  }

  /** Reads a previous result (the format above) as the base of a partial recovery. */
  public static State readBase(Path file) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the base state " + file, e);
    }
    if (!FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException(
          file + " is not a recovered state (format " + FORMAT + ")");
    }
    Map<String, Task> tasks = new TreeMap<>();
    Map<String, LockState> locks = new TreeMap<>();
    Map<Integer, Long> offsets = new TreeMap<>();
    try {
      for (JsonNode t : root.path("tasks")) {
        Task task = Json.mapper().treeToValue(t, Task.class);
        tasks.put(task.workspace() + "/task/" + task.id(), task);
      }
      for (JsonNode l : root.path("locks")) {
        LockState lock = Json.mapper().treeToValue(l, LockState.class);
        locks.put(lock.key(), lock);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable state in " + file + ": " + e.getMessage(), e);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("offsets").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      offsets.put(Integer.parseInt(e.getKey()), e.getValue().longValue());
    }
    return new State(tasks, locks, offsets, root.path("events").asLong(), 0);
  }
}
