package dev.baton.app.sink.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.baton.app.io.FixedWidthTimes;
import dev.baton.app.sink.projection.EventRows;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Rebuilds task and lock state from the audit segments in one streaming pass, without Kafka.
 * Partitions are replayed in parallel (one thread per core); an aggregate key lives in one
 * partition, and where it does not (the topic was given more partitions) the newest version still
 * wins. Lines not applied are reported as they are found, so reports of different partitions may
 * interleave.
 *
 * <p>Every task and lock event carries the aggregate's whole state after the change ({@code data}),
 * and a {@code state.restored} event the restored state ({@code data.state}, a task or a lock by
 * {@code data.kind}, at its new version), so the newest version per key wins ({@link #effectOf}
 * says what each event type does); an older version seen later is ignored. Tasks and locks are kept
 * apart (a lock on {@code task/<id>} shares the task's key but has its own versions). Lines with a
 * problem (see {@link PartitionScanner}) are reported with their location, counted and never
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

  // Times of fixed width, as the HTTP API shows them.
  private static final ObjectMapper OUTPUT = FixedWidthTimes.on(Json.mapper());

  // One partition's replay: newest data per key, then bound.
  private final Map<String, Newest<Task>> tasks = new HashMap<>();
  private final Map<String, Newest<LockState>> locks = new HashMap<>();
  private Map<String, Task> tasksDone;
  private Map<String, LockState> locksDone;
  private final Set<String> failedTasks = new HashSet<>();
  private final Set<String> failedLocks = new HashSet<>();
  private final Set<String> reported = new HashSet<>();
  private long offset = -1;
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

    /**
     * Writes the output document described above, pretty-printed, one task or lock at a time (the
     * document is never built in memory as a whole). Does not close {@code out}.
     */
    public void writeTo(Writer out) throws IOException {
      ObjectWriter writer = OUTPUT.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
      try (JsonGenerator gen =
          Json.mapper()
              .getFactory()
              .createGenerator(out)
              .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
        gen.setPrettyPrinter(new DefaultPrettyPrinter());
        gen.writeStartObject();
        gen.writeArrayFieldStart("tasks");
        for (Task task : new TreeMap<>(tasks).values()) {
          writer.writeValue(gen, task);
        }
        gen.writeEndArray();
        gen.writeArrayFieldStart("locks");
        for (LockState lock : new TreeMap<>(locks).values()) {
          writer.writeValue(gen, lock);
        }
        gen.writeEndArray();
        gen.writeObjectFieldStart("offsets");
        for (Map.Entry<Integer, Long> e : new TreeMap<>(offsets).entrySet()) {
          gen.writeNumberField(Integer.toString(e.getKey()), e.getValue());
        }
        gen.writeEndObject();
        gen.writeNumberField("events", events);
        gen.writeNumberField("problems", problems);
        gen.writeStringField("format", FORMAT);
        gen.writeEndObject();
        gen.writeRaw('\n');
      }
    }
  }

  /**
   * The newest version of an aggregate seen so far: the bytes of its {@code data} and where they
   * stand, turned into {@code T} only once the scan is over.
   */
  private static final class Newest<T> {
    long version;
    byte[] data;
    Segment segment;
    long lineNumber;

    Newest(Change change, PartitionScanner.Item item) {
      replace(change, item);
    }

    void replace(Change change, PartitionScanner.Item item) {
      version = change.version();
      data = change.data();
      segment = item.segment();
      lineNumber = item.lineNumber();
    }
  }

  /** What recovery does with an event, by type: the one table of this consumer of the log. */
  enum Effect {
    /** {@code data} is the task after the change. */
    TASK,
    /** {@code data} is the lock after the change. */
    LOCK,
    /** {@code data.state} is the restored task or lock, by {@code data.kind}. */
    RESTORED,
    /** Carries no task or lock state (decisions are not part of the recovered state). */
    NONE
  }

  /**
   * The effect of every event type. An exhaustive switch: a new event type does not compile until
   * it is given an effect here.
   */
  static Effect effectOf(EventType type) {
    return switch (type) {
      case TASK_CREATED, TASK_UPDATED, TASK_CLAIMED, TASK_STATUS_CHANGED -> Effect.TASK;
      case LOCK_GRANTED,
          LOCK_QUEUED,
          LOCK_RENEWED,
          LOCK_RELEASED,
          LOCK_CANCELLED,
          LOCK_EXPIRED,
          LOCK_WAIT_EXPIRED ->
          Effect.LOCK;
      case STATE_RESTORED -> Effect.RESTORED;
      case DECISION_RECORDED, AGENT_EVENT, COMMAND_REJECTED -> Effect.NONE;
    };
  }

  /**
   * The state one line sets: a task or a lock, its version and its JSON bytes.
   *
   * @param task true for a task, false for a lock
   */
  private record Change(boolean task, long version, byte[] data) {}

  /**
   * The change {@code line} makes, or null when it makes none.
   *
   * @throws IOException when the event should carry state but does not in readable form
   */
  private static Change changeOf(AuditLine line, AuditLine.EventSummary head) throws IOException {
    EventType type =
        EventType.fromWire(String.valueOf(head.type()))
            .orElseThrow(() -> new IOException("unknown event type \"" + head.type() + "\""));
    Effect effect = effectOf(type);
    if (effect == Effect.NONE) {
      return null;
    }
    if (effect == Effect.RESTORED) {
      // Rare (admin restores): read the whole event.
      JsonNode data = line.event() == null ? null : line.event().get("data");
      JsonNode state = data == null ? null : data.get("state");
      String kind = data == null ? "" : data.path("kind").asText("");
      if (state == null || !state.isObject() || !state.path("version").canConvertToLong()) {
        throw new IOException("the state.restored event has no state with a version");
      }
      boolean task;
      if (EventRows.RESTORED_TASK.equals(kind)) {
        task = true;
      } else if (EventRows.RESTORED_LOCK.equals(kind)) {
        task = false;
      } else {
        throw new IOException("the state.restored event restores an unknown kind \"" + kind + "\"");
      }
      return new Change(
          task, state.get("version").asLong(), Json.mapper().writeValueAsBytes(state));
    }
    if (head.dataFrom() < 0) {
      throw new IOException("the event's data is not an object");
    }
    if (head.dataVersion() < 0) {
      throw new IOException("the event's data has no version");
    }
    return new Change(effect == Effect.TASK, head.dataVersion(), head.data(line.eventBytes()));
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
    AuditFilter filter = range.rangeOnly();
    List<Integer> partitions =
        dir.partitions().stream().filter(filter::includesPartition).sorted().toList();
    Consumer<PartitionScanner.Problem> report = synchronizedConsumer(onProblem);
    int threads =
        Math.max(1, Math.min(partitions.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "baton-audit-recover");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<AuditRecovery>> replays = new ArrayList<>();
      for (int partition : partitions) {
        long after = base.offsets().getOrDefault(partition, -1L);
        replays.add(
            pool.submit(
                () -> {
                  AuditRecovery r = new AuditRecovery();
                  r.replay(dir, partition, after, filter, report);
                  r.tasksDone = r.materialise(r.tasks, Task.class, r.failedTasks, report);
                  r.locksDone = r.materialise(r.locks, LockState.class, r.failedLocks, report);
                  if (!r.failedTasks.isEmpty() || !r.failedLocks.isEmpty()) {
                    r.fallBack(dir, partition, after, filter, report);
                  }
                  return r;
                }));
      }
      Map<String, Task> tasks = new HashMap<>(base.tasks());
      Map<String, LockState> locks = new HashMap<>(base.locks());
      Map<Integer, Long> offsets = new TreeMap<>(base.offsets());
      long events = base.events();
      long problems = 0;
      for (int i = 0; i < partitions.size(); i++) {
        AuditRecovery r = join(replays.get(i));
        r.tasksDone.forEach(
            (k, t) -> tasks.merge(k, t, (a, b) -> b.version() > a.version() ? b : a));
        r.locksDone.forEach(
            (k, l) -> locks.merge(k, l, (a, b) -> b.version() > a.version() ? b : a));
        if (r.offset >= 0) {
          offsets.put(partitions.get(i), r.offset);
        }
        events += r.events;
        problems += r.problems;
      }
      return new State(Map.copyOf(tasks), Map.copyOf(locks), Map.copyOf(offsets), events, problems);
    } finally {
      pool.shutdownNow();
    }
  }

  private static AuditRecovery join(Future<AuditRecovery> replay) {
    try {
      return replay.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recovering", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static <T> Consumer<T> synchronizedConsumer(Consumer<T> consumer) {
    return item -> {
      synchronized (consumer) {
        consumer.accept(item);
      }
    };
  }

  /**
   * Turns the newest data of every key into {@code T}. A line whose data cannot be read is reported
   * here, counted and not applied, and its key goes into {@code failed} for {@link #fallBack}.
   */
  private <T> Map<String, T> materialise(
      Map<String, Newest<T>> newest,
      Class<T> type,
      Set<String> failed,
      Consumer<PartitionScanner.Problem> onProblem) {
    Map<String, T> out = new HashMap<>(newest.size() * 2);
    for (Map.Entry<String, Newest<T>> e : newest.entrySet()) {
      Newest<T> n = e.getValue();
      try {
        out.put(e.getKey(), Json.mapper().readValue(n.data, type));
      } catch (IOException | RuntimeException ex) {
        events--;
        unreadable(n.segment, n.lineNumber, ex, onProblem);
        failed.add(e.getKey());
        reported.add(n.segment.name() + ":" + n.lineNumber);
      }
    }
    return out;
  }

  /**
   * For the keys whose newest data could not be read, reads the partition again and keeps the
   * newest version of each that can be: the same result as binding every line, paid only when a
   * line needs it. Older unreadable lines of those keys are reported too.
   */
  private void fallBack(
      AuditDirectory dir,
      int partition,
      long after,
      AuditFilter filter,
      Consumer<PartitionScanner.Problem> onProblem) {
    scan(
        dir,
        partition,
        after,
        filter,
        damaged -> {},
        (line, item) -> {
          AuditLine.EventSummary head = line.summary();
          if (head == null || head.key() == null) {
            return;
          }
          Change change;
          try {
            change = changeOf(line, head);
          } catch (IOException | RuntimeException e) {
            return; // reported by the first pass
          }
          if (change == null) {
            return;
          }
          if (change.task() && failedTasks.contains(head.key())) {
            bindOlder(tasksDone, Task.class, Task::version, change, head, item, onProblem);
          } else if (!change.task() && failedLocks.contains(head.key())) {
            bindOlder(
                locksDone, LockState.class, LockState::version, change, head, item, onProblem);
          }
        });
  }

  private <T> void bindOlder(
      Map<String, T> done,
      Class<T> type,
      ToLongFunction<T> version,
      Change change,
      AuditLine.EventSummary head,
      PartitionScanner.Item item,
      Consumer<PartitionScanner.Problem> onProblem) {
    T known = done.get(head.key());
    if (known != null && version.applyAsLong(known) >= change.version()) {
      return;
    }
    try {
      done.put(head.key(), Json.mapper().readValue(change.data(), type));
    } catch (IOException | RuntimeException ex) {
      if (reported.add(item.segment().name() + ":" + item.lineNumber())) {
        events--;
        unreadable(item.segment(), item.lineNumber(), ex, onProblem);
      }
    }
  }

  private void unreadable(
      Segment segment, long lineNumber, Exception e, Consumer<PartitionScanner.Problem> onProblem) {
    problems++;
    onProblem.accept(
        new PartitionScanner.Problem(
            segment,
            lineNumber,
            PartitionScanner.Kind.GARBAGE,
            "the line is intact but its event cannot be read: " + e.getMessage()));
  }

  /** Replays one partition's lines after offset {@code after} into this instance. */
  private void replay(
      AuditDirectory dir,
      int partition,
      long after,
      AuditFilter filter,
      Consumer<PartitionScanner.Problem> onProblem) {
    scan(
        dir,
        partition,
        after,
        filter,
        damaged -> {
          problems++;
          onProblem.accept(damaged.problem());
        },
        (line, item) -> {
          if (apply(line, item, onProblem)) {
            events++;
          }
          offset = line.offset();
        });
  }

  /**
   * Hands every intact line after {@code after} in range to {@code intact}, damage to the other.
   */
  private static void scan(
      AuditDirectory dir,
      int partition,
      long after,
      AuditFilter filter,
      Consumer<PartitionScanner.Item> damaged,
      BiConsumer<AuditLine, PartitionScanner.Item> intact) {
    long from = Math.max(after + 1, filter.fromOffset());
    try (PartitionScanner scanner = new PartitionScanner(dir, partition, from)) {
      PartitionScanner.Item item;
      while ((item = scanner.next()) != null) {
        if (!item.ok()) {
          damaged.accept(item);
          continue;
        }
        AuditLine line = item.line();
        if (line.offset() <= after) {
          continue;
        }
        if (filter.beyondRange(line.offset())) {
          break;
        }
        if (filter.matches(line)) {
          intact.accept(line, item);
        }
      }
    }
  }

  private boolean apply(
      AuditLine line, PartitionScanner.Item item, Consumer<PartitionScanner.Problem> onProblem) {
    if (line.eventBytes() == null) {
      return false;
    }
    try {
      AuditLine.EventSummary head = line.summary();
      if (head == null) {
        throw new IOException("the event is not a JSON object");
      }
      if (head.type() == null || head.key() == null || !head.hasData()) {
        return true;
      }
      Change change = changeOf(line, head);
      if (change != null && change.task()) {
        keepNewest(tasks, change, head, item);
      } else if (change != null) {
        keepNewest(locks, change, head, item);
      }
      return true;
    } catch (IOException | RuntimeException e) {
      unreadable(item.segment(), item.lineNumber(), e, onProblem);
      return false;
    }
  }

  private static <T> void keepNewest(
      Map<String, Newest<T>> newest,
      Change change,
      AuditLine.EventSummary head,
      PartitionScanner.Item item) {
    Newest<T> known = newest.get(head.key());
    if (known == null) {
      newest.put(head.key(), new Newest<>(change, item));
    } else if (change.version() > known.version) {
      known.replace(change, item);
    }
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
