package dev.baton.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.config.AppConfig;
import dev.baton.app.state.LockDeadlines;
import dev.baton.app.state.appliers.EventAppliers;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventPayload;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.JsonSerde;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import net.jqwik.api.lifecycle.SkipExecutionHook.SkipResult;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * State is the fold of the events: random command sequences (task and lock commands, retries of
 * earlier command ids, restores, clock advances that expire leases and waits) go through the whole
 * topology; then the events it emitted, read back from {@code baton.events}, are run through the
 * appliers into empty stores, which must equal the live ones (tasks, locks, decision numbers, and
 * the lease and wait entries of the deadline index).
 *
 * <p>The default run is short; {@code -Dsoak} adds a long one.
 */
class StateFoldPropertyTest {
  private static final List<String> AGENTS = List.of("alice", "bob", "carol");
  private static final List<String> TASKS = List.of("T1", "T2");
  private static final List<String> RESOURCES = List.of("task/T1", "task/T2", "src/A.java");
  private static final Map<String, Object> OVERRIDES =
      Map.of(
          AppConfig.PUNCTUATE_INTERVAL_MS, 200L,
          AppConfig.LOCK_MAX_LEASE_MS, 60_000L,
          AppConfig.LOCK_MAX_WAIT_MS, 120_000L);

  /** One step of a run. */
  sealed interface Step permits Send, Retry, Advance {}

  /** A new command of {@code kind} by {@code agent} on {@code target}; {@code n} varies details. */
  record Send(String kind, String agent, int target, int n) implements Step {}

  /** The {@code back}-th earlier command again, same id. */
  record Retry(int back) implements Step {}

  /** The wall clock moves by {@code ms}. */
  record Advance(long ms) implements Step {}

  @Property(tries = 60)
  void shouldRebuildTheLiveStoresFromTheEvents(@ForAll("runs") List<Step> steps) {
    check(steps);
  }

  @Property(tries = 500)
  @AddLifecycleHook(SoakOnly.class)
  void shouldRebuildTheLiveStoresFromTheEventsInALongRun(@ForAll("longRuns") List<Step> steps) {
    check(steps);
  }

  @Provide
  Arbitrary<List<Step>> runs() {
    return step().list().ofMinSize(1).ofMaxSize(40);
  }

  @Provide
  Arbitrary<List<Step>> longRuns() {
    return step().list().ofMinSize(1).ofMaxSize(200);
  }

  private static Arbitrary<Step> step() {
    Arbitrary<Step> send =
        Combinators.combine(
                Arbitraries.of(
                    "create",
                    "update",
                    "claim",
                    "transition",
                    "fencedWrite",
                    "acquire",
                    "renew",
                    "release",
                    "cancel",
                    "decision",
                    "emit",
                    "restoreLock",
                    "restoreTask"),
                Arbitraries.of(AGENTS),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 5))
            .as(Send::new);
    Arbitrary<Step> retry = Arbitraries.integers().between(1, 5).map(Retry::new);
    Arbitrary<Step> advance = Arbitraries.longs().between(0, 40_000).map(Advance::new);
    return Arbitraries.frequencyOf(Tuple.of(8, send), Tuple.of(1, retry), Tuple.of(3, advance));
  }

  private static void check(List<Step> steps) {
    Path dir = tempDir();
    try (TopologyHarness live = new TopologyHarness(dir, OVERRIDES)) {
      List<Event> events = new ArrayList<>();
      List<Sent> sent = new ArrayList<>();
      int ids = 0;
      for (Step step : steps) {
        TopologyHarness.Reply reply;
        if (step instanceof Send s) {
          Sent next = command(s, live, ++ids);
          sent.add(next);
          reply = live.send(next.key(), CommandFixtures.bytes(next.command()));
        } else if (step instanceof Retry r) {
          if (sent.isEmpty()) {
            continue;
          }
          Sent again = sent.get(Math.max(0, sent.size() - r.back()));
          reply = live.send(again.key(), CommandFixtures.bytes(again.command()));
        } else {
          reply = live.advance(Duration.ofMillis(((Advance) step).ms()));
        }
        reply.events().forEach(kv -> events.add(kv.value));
      }

      Replayed replayed = replay(events);

      assertThat(json(replayed.contents(replayed.tasks)))
          .as("tasks")
          .isEqualTo(json(live.contents(StoreNames.TASKS)));
      assertThat(json(replayed.contents(replayed.locks)))
          .as("locks")
          .isEqualTo(json(live.contents(StoreNames.LOCKS)));
      assertThat(json(replayed.contents(replayed.decisions)))
          .as("decision numbers")
          .isEqualTo(json(live.contents(StoreNames.DECISIONS)));
      assertThat(lockEntries(replayed.contents(replayed.deadlines)))
          .as("lease and wait entries")
          .isEqualTo(lockEntries(live.contents(StoreNames.DEADLINES)));
    } finally {
      deleteTree(dir);
    }
  }

  /** A command as sent, with its key. */
  private record Sent(String key, ObjectNode command) {}

  private static Sent command(Send s, TopologyHarness live, int id) {
    String task = TASKS.get(s.target() % TASKS.size());
    String resource = RESOURCES.get(s.target());
    String taskKey = AggregateKeys.task("default", task);
    String lockKey = AggregateKeys.lock("default", resource);
    ObjectNode cmd;
    switch (s.kind()) {
      case "create" -> {
        return new Sent(taskKey, withId(CommandFixtures.create(s.agent(), task, "t" + s.n()), id));
      }
      case "update" -> {
        Long expected = s.n() % 2 == 0 ? null : (long) s.n();
        return new Sent(
            taskKey,
            withId(
                CommandFixtures.update(
                    s.agent(),
                    task,
                    expected,
                    CommandFixtures.patch(
                        "{\"title\": \"u"
                            + s.n()
                            + "\", \"fields\": {\"f"
                            + s.n()
                            + "\": "
                            + s.n()
                            + "}}")),
                id));
      }
      case "claim" -> {
        return new Sent(taskKey, withId(CommandFixtures.claim(s.agent(), task), id));
      }
      case "transition" -> {
        String to =
            List.of("OPEN", "CLAIMED", "IN_PROGRESS", "DONE", "BLOCKED", "CANCELLED").get(s.n());
        return new Sent(taskKey, withId(CommandFixtures.transition(s.agent(), task, to), id));
      }
      case "fencedWrite" -> {
        cmd =
            CommandFixtures.transition(s.agent(), task, s.n() % 2 == 0 ? "IN_PROGRESS" : "CLAIMED");
        cmd.putObject("fence").put("resource", "task/" + task).put("token", 1 + s.n());
        ((ObjectNode) cmd.get("body")).put("release", s.n() % 3 != 0);
        return new Sent(taskKey, withId(cmd, id));
      }
      case "acquire" -> {
        cmd = lock("lock.acquire", s.agent(), resource);
        ObjectNode body = (ObjectNode) cmd.get("body");
        body.put("mode", s.n() % 2 == 0 ? "EXCLUSIVE" : "COLLABORATIVE");
        body.put("leaseMs", 5_000L * (1 + s.n() % 3));
        body.put("waitMs", s.n() < 2 ? 0 : 4_000L * s.n());
        return new Sent(lockKey, withId(cmd, id));
      }
      case "renew", "release", "cancel" -> {
        return new Sent(lockKey, withId(lock("lock." + s.kind(), s.agent(), resource), id));
      }
      case "decision" -> {
        cmd = CommandFixtures.envelope("decision.record", s.agent());
        ObjectNode body = cmd.putObject("body").put("title", "d" + s.n()).put("decision", "yes");
        if (s.n() > 0) {
          body.put("supersedes", s.n());
        }
        return new Sent(AggregateKeys.decisions("default"), withId(cmd, id));
      }
      case "emit" -> {
        cmd = CommandFixtures.emit(s.agent(), "e" + s.n());
        ((ObjectNode) cmd.get("body")).put("taskId", task);
        return new Sent(taskKey, withId(cmd, id));
      }
      case "restoreLock" -> {
        LockState free =
            new LockState(
                resource, "default", lockKey, List.of(), List.of(), s.n(), s.n(), null, List.of());
        cmd = CommandFixtures.envelope("state.restore", "baton-admin");
        cmd.putObject("body")
            .put("checkpoint", "c" + s.n())
            .set("lock", Json.mapper().valueToTree(free));
        return new Sent(lockKey, withId(cmd, id));
      }
      case "restoreTask" -> {
        Task restored =
            new Task(
                task,
                "default",
                "restored " + s.n(),
                null,
                TaskStatus.OPEN,
                null,
                null,
                List.of(),
                List.of(),
                Json.mapper().createObjectNode().put("r", s.n()),
                s.n() + 1L,
                "alice",
                TopologyHarness.START,
                "alice",
                TopologyHarness.START,
                Map.of("title", 1L));
        cmd = CommandFixtures.envelope("state.restore", "baton-admin");
        cmd.putObject("body")
            .put("checkpoint", "c" + s.n())
            .set("task", Json.mapper().valueToTree(restored));
        return new Sent(taskKey, withId(cmd, id));
      }
      default -> throw new IllegalArgumentException(s.kind());
    }
  }

  private static ObjectNode lock(String type, String agent, String resource) {
    ObjectNode cmd = CommandFixtures.envelope(type, agent);
    cmd.putObject("body").put("resource", resource);
    return cmd;
  }

  private static ObjectNode withId(ObjectNode cmd, int id) {
    return cmd.put("id", "fold-" + id);
  }

  /** Empty in-memory stores, and the appliers over them. */
  private static final class Replayed {
    final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    final KeyValueStore<String, Task> tasks = store("tasks", JsonSerde.of(Task.class));
    final KeyValueStore<String, LockState> locks = store("locks", JsonSerde.of(LockState.class));
    final KeyValueStore<String, Integer> decisions = store("decisions", Serdes.Integer());
    final KeyValueStore<String, String> deadlines = store("deadlines", Serdes.String());

    private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
      KeyValueStore<String, V> store =
          Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
              .withLoggingDisabled()
              .build();
      store.init(context.getStateStoreContext(), store);
      return store;
    }

    <V> Map<String, Object> contents(KeyValueStore<String, V> store) {
      Map<String, Object> entries = new TreeMap<>();
      try (var all = store.all()) {
        all.forEachRemaining(kv -> entries.put(kv.key, kv.value));
      }
      return entries;
    }
  }

  private static Replayed replay(List<Event> events) {
    Replayed replayed = new Replayed();
    EventAppliers appliers =
        EventAppliers.over(replayed.tasks, replayed.locks, replayed.decisions, replayed.deadlines);
    for (Event event : events) {
      appliers.applyAll(
          List.of(new EventAppliers.Applicable(event.type(), event.key(), EventPayload.of(event))));
    }
    return replayed;
  }

  private static Map<String, String> json(Map<String, Object> entries) {
    Map<String, String> out = new TreeMap<>();
    entries.forEach((k, v) -> out.put(k, Json.mapper().valueToTree(v).toString()));
    return out;
  }

  /**
   * The lease and wait entries (keys of the deadline index); remembered command ids are not state.
   */
  private static List<String> lockEntries(Map<String, Object> deadlines) {
    return deadlines.keySet().stream()
        .filter(k -> LockDeadlines.isLockKind(k.split("\\|", 3)[1]))
        .sorted()
        .toList();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("baton-fold");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /** Runs a property only with {@code -Dsoak}. */
  static final class SoakOnly implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      return System.getProperty("soak") == null
          ? SkipResult.skip("long run; enable with -Dsoak")
          : SkipResult.doNotSkip();
    }
  }
}
