package dev.baton.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.state.LockDeadlines;
import dev.baton.app.state.appliers.EventAppliers;
import dev.baton.app.topology.CommandSequences.Advance;
import dev.baton.app.topology.CommandSequences.Retry;
import dev.baton.app.topology.CommandSequences.Send;
import dev.baton.app.topology.CommandSequences.Sent;
import dev.baton.app.topology.CommandSequences.Step;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventPayload;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.JsonSerde;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
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
  @Property(tries = 25)
  void shouldRebuildTheLiveStoresFromTheEvents(@ForAll("runs") List<Step> steps) {
    check(steps);
  }

  @Property(tries = 500)
  @AddLifecycleHook(CommandSequences.SoakOnly.class)
  void shouldRebuildTheLiveStoresFromTheEventsInALongRun(@ForAll("longRuns") List<Step> steps) {
    check(steps);
  }

  @Provide
  Arbitrary<List<Step>> runs() {
    return CommandSequences.runs(false, false, 40);
  }

  @Provide
  Arbitrary<List<Step>> longRuns() {
    return CommandSequences.runs(false, false, 200);
  }

  private static void check(List<Step> steps) {
    Path dir = CommandSequences.tempDir("baton-fold");
    try (TopologyHarness live = new TopologyHarness(dir, CommandSequences.OVERRIDES)) {
      List<Event> events = new ArrayList<>();
      List<Sent> sent = new ArrayList<>();
      int ids = 0;
      for (Step step : steps) {
        TopologyHarness.Reply reply;
        if (step instanceof Send s) {
          Sent next = CommandSequences.command(s, "fold", ++ids);
          sent.add(next);
          reply = live.send(next.key(), CommandFixtures.bytes(next.command()));
        } else if (step instanceof Retry r) {
          Sent again = CommandSequences.earlier(sent, r);
          if (again == null) {
            continue;
          }
          reply = live.send(again.key(), CommandFixtures.bytes(again.command()));
        } else if (step instanceof Advance a) {
          reply = live.advance(Duration.ofMillis(a.ms()));
        } else {
          live.restart();
          continue;
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
      CommandSequences.deleteTree(dir);
    }
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
}
