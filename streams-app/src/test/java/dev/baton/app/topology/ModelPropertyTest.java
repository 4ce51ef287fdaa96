package dev.baton.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.topology.CommandSequences.Advance;
import dev.baton.app.topology.CommandSequences.Retry;
import dev.baton.app.topology.CommandSequences.Send;
import dev.baton.app.topology.CommandSequences.Sent;
import dev.baton.app.topology.CommandSequences.Step;
import dev.baton.app.topology.ReferenceModel.Answer;
import dev.baton.app.topology.ReferenceModel.Change;
import dev.baton.app.topology.ReferenceModel.Flaw;
import dev.baton.app.topology.ReferenceModel.ModelLock;
import dev.baton.app.topology.ReferenceModel.Result;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.streams.KeyValue;

/**
 * Model-based test: random sequences of task and lock commands (retries of earlier ids, clock
 * advances that expire leases and waits, restores, restarts) go through the whole topology and
 * through {@link ReferenceModel}, a small implementation of the documented semantics that shares no
 * code with the processor. After every step their outcomes and events must agree; after the run,
 * the tasks and locks they keep.
 *
 * <p>Clock advances are whole punctuation intervals, so every expiry the documentation allows
 * "within lease + one punctuation interval" happens at a known instant. The default run is short;
 * {@code -Dsoak} adds a long one.
 */
class ModelPropertyTest {

  @Property(tries = 60)
  void shouldAgreeWithTheReferenceModel(@ForAll("runs") List<Step> steps) {
    check(steps, Flaw.NONE);
  }

  @Property(tries = 1000)
  @AddLifecycleHook(CommandSequences.SoakOnly.class)
  void shouldAgreeWithTheReferenceModelInALongRun(@ForAll("longRuns") List<Step> steps) {
    check(steps, Flaw.NONE);
  }

  @Provide
  Arbitrary<List<Step>> runs() {
    return CommandSequences.runs(true, true, 50);
  }

  @Provide
  Arbitrary<List<Step>> longRuns() {
    return CommandSequences.runs(true, true, 200);
  }

  /** A waiting exclusive request is never overtaken by a later shared one. */
  @Example
  void shouldCatchAModelThatLetsSharedRequestsOvertake() {
    List<Step> steps =
        List.of(
            new Send("acquire", "alice", 2, 1), // alice: COLLABORATIVE, granted
            new Send("acquire", "bob", 2, 2), // bob: EXCLUSIVE, waits
            new Send("acquire", "carol", 2, 3)); // carol: COLLABORATIVE, must wait behind bob
    check(steps, Flaw.NONE);
    assertThatThrownBy(() -> check(steps, Flaw.SHARED_OVERTAKES_WAITING_EXCLUSIVE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("step 3");
  }

  /** Two agents editing different fields from the same version both land. */
  @Example
  void shouldCatchAModelWithoutFieldLevelMerge() {
    List<Step> steps =
        List.of(
            new Send("create", "alice", 0, 0),
            new Send("update", "alice", 0, 0), // title, version 2
            new Send("update", "bob", 0, 1)); // fields.f1 with expectedVersion 1: merges
    check(steps, Flaw.NONE);
    assertThatThrownBy(() -> check(steps, Flaw.NO_FIELD_LEVEL_MERGE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("step 3");
  }

  /** A retry is answered with the first outcome and changes nothing. */
  @Example
  void shouldCatchAModelThatRunsRetriesAgain() {
    List<Step> steps =
        List.of(new Send("create", "alice", 0, 0), new Send("update", "bob", 0, 0), new Retry(1));
    check(steps, Flaw.NONE);
    assertThatThrownBy(() -> check(steps, Flaw.NO_DEDUP))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("step 3");
  }

  /** A retry of a request that still waits is told where it stands now, not where it stood. */
  @Example
  void shouldCatchAModelThatAnswersAStillQueuedRetryWithItsFirstPosition() {
    List<Step> steps =
        List.of(
            new Send("acquire", "alice", 2, 2), // alice: EXCLUSIVE, granted
            new Send("acquire", "bob", 2, 2), // bob: EXCLUSIVE, waits at 1
            new Send("acquire", "carol", 2, 4), // carol: EXCLUSIVE, waits at 2
            new Send("cancel", "bob", 2, 0), // bob leaves the queue
            new Retry(2)); // carol again: now at 1
    check(steps, Flaw.NONE);
    assertThatThrownBy(() -> check(steps, Flaw.STALE_QUEUED_RETRY))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("step 5");
  }

  private static void check(List<Step> steps, Flaw flaw) {
    Path dir = CommandSequences.tempDir("baton-model");
    try (TopologyHarness live = new TopologyHarness(dir, CommandSequences.OVERRIDES)) {
      ReferenceModel model = new ReferenceModel(flaw);
      List<Sent> sent = new ArrayList<>();
      List<String> trail = new ArrayList<>();
      int ids = 0;
      for (Step step : steps) {
        TopologyHarness.Reply reply;
        Result expected;
        if (step instanceof Send s) {
          Sent next = CommandSequences.command(s, "model", ++ids);
          Long held = model.tokenOf(next.key(), s.agent());
          if (s.kind().equals("fencedWrite") && s.n() <= 3 && held != null) {
            // Most fenced writes present the writer's own grant, so that they can land.
            ((ObjectNode) next.command().get("fence")).put("token", held);
          }
          sent.add(next);
          trail.add(next.command().toString());
          reply = live.send(next.key(), CommandFixtures.bytes(next.command()));
          expected = model.command(next.key(), next.command(), live.now());
        } else if (step instanceof Retry r) {
          Sent again = CommandSequences.earlier(sent, r);
          if (again == null) {
            continue;
          }
          trail.add("retry " + again.id());
          reply = live.send(again.key(), CommandFixtures.bytes(again.command()));
          expected = model.command(again.key(), again.command(), live.now());
        } else if (step instanceof Advance a) {
          trail.add("advance " + a.ms() + " ms");
          reply = live.advance(Duration.ofMillis(a.ms()));
          expected =
              a.ms() == 0
                  ? new Result(List.of(), List.of(), List.of())
                  : model.punctuate(live.now());
        } else {
          trail.add("restart");
          live.restart();
          continue;
        }
        // What the runs covered, printed by jqwik after each property.
        for (KeyValue<String, Outcome> o : reply.outcomes()) {
          Statistics.label("outcomes")
              .collect(o.value.commandType() + " " + o.value.status() + " " + o.value.code());
        }
        String where = "step " + trail.size() + " (" + String.join("\n  ", trail) + ")";
        // One key's outputs keep their order; across keys (several expiries in one punctuation)
        // the documentation fixes none, so each key is compared on its own.
        Map<String, List<Answer>> modelAnswers = new TreeMap<>();
        for (int i = 0; i < expected.answers().size(); i++) {
          modelAnswers
              .computeIfAbsent(expected.keys().get(i), k -> new ArrayList<>())
              .add(expected.answers().get(i));
        }
        Map<String, List<Answer>> liveAnswers = new TreeMap<>();
        byKey(reply.outcomes(), o -> o.value.key())
            .forEach(
                (k, os) -> liveAnswers.put(k, seen(os, modelAnswers.getOrDefault(k, List.of()))));
        assertThat(liveAnswers).as("outcomes at %s", where).isEqualTo(modelAnswers);
        Map<String, List<Change>> modelChanges = byKey(expected.changes(), Change::key);
        Map<String, List<Change>> liveChanges = new TreeMap<>();
        byKey(reply.events(), e -> e.key)
            .forEach(
                (k, es) ->
                    liveChanges.put(k, changes(es, modelChanges.getOrDefault(k, List.of()))));
        assertThat(liveChanges).as("events at %s", where).isEqualTo(modelChanges);
      }
      String where = "the end of " + String.join("\n  ", trail);
      assertThat(taskViews(live)).as("tasks at %s", where).isEqualTo(taskViews(model));
      assertThat(lockViews(live)).as("locks at %s", where).isEqualTo(lockViews(model));
    } finally {
      CommandSequences.deleteTree(dir);
    }
  }

  /** {@code items} by {@code key}, keys in order, each key's items in their order. */
  private static <T> Map<String, List<T>> byKey(List<T> items, Function<T, String> key) {
    Map<String, List<T>> out = new TreeMap<>();
    items.forEach(item -> out.computeIfAbsent(key.apply(item), k -> new ArrayList<>()).add(item));
    return out;
  }

  /**
   * The topology's outcomes, each cut down to what the model's answer at the same place fixes (the
   * model leaves a component null when the documentation does not fix it).
   */
  private static List<Answer> seen(List<KeyValue<String, Outcome>> outcomes, List<Answer> model) {
    List<Answer> out = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome o = outcomes.get(i).value;
      Answer m = i < model.size() ? model.get(i) : null;
      String message = o.message() == null ? "" : o.message();
      out.add(
          new Answer(
              o.commandId(),
              o.status(),
              o.originalStatus(),
              o.code(),
              keep(m, m == null ? null : m.version(), o.version()),
              keep(m, m == null ? null : m.token(), o.token()),
              keep(m, m == null ? null : m.position(), o.position()),
              keep(m, m == null ? null : m.holders(), o.holders()),
              keep(m, m == null ? null : m.leaseDeadline(), o.leaseDeadline()),
              m == null || m.messageEnd() == null
                  ? null
                  : message.endsWith(m.messageEnd()) ? m.messageEnd() : message));
    }
    return out;
  }

  private static <T> T keep(Answer model, Object modelValue, T actual) {
    return model == null || modelValue != null ? actual : null;
  }

  private static List<Change> changes(List<KeyValue<String, Event>> events, List<Change> model) {
    List<Change> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i).value;
      Change m = i < model.size() ? model.get(i) : null;
      out.add(
          new Change(
              e.type().wire(), e.key(), m == null || m.version() != null ? e.version() : null));
    }
    return out;
  }

  // ---------------------------------------------------------------- states

  /** What the model and the topology must agree on for a task. */
  record TaskView(
      String id,
      String title,
      String description,
      String status,
      String assignee,
      String fields,
      long version,
      Map<String, Long> fieldVersions) {}

  record HolderView(String agent, String requestId, String mode, long token, Instant lease) {}

  record WaiterView(String agent, String requestId, String mode, Instant waitDeadline) {}

  /** What the model and the topology must agree on for a lock. */
  record LockView(List<HolderView> holders, List<WaiterView> queue, long lastToken, long version) {}

  /** The field names whose last-changed versions are compared (those the commands can touch). */
  private static Set<String> fieldNames(Map<String, Long> a, Set<String> b) {
    Set<String> names = new TreeSet<>(ReferenceModel.VERSIONED_FIELDS);
    names.addAll(List.of("fields.f1", "fields.f2", "fields.f5"));
    names.addAll(a.keySet());
    names.addAll(b);
    return names;
  }

  private static Map<String, TaskView> taskViews(TopologyHarness live) {
    Map<String, TaskView> views = new TreeMap<>();
    live.contents(StoreNames.TASKS)
        .forEach(
            (key, value) -> {
              Task t = (Task) value;
              Map<String, Long> versions = new TreeMap<>();
              for (String f : fieldNames(t.fieldVersions(), Set.of())) {
                versions.put(f, Math.max(1, t.fieldVersions().getOrDefault(f, 0L)));
              }
              views.put(
                  key,
                  new TaskView(
                      t.id(),
                      t.title(),
                      t.description(),
                      t.status().toString(),
                      t.assignee(),
                      t.fields() == null ? "{}" : t.fields().toString(),
                      t.version(),
                      versions));
            });
    return views;
  }

  private static Map<String, TaskView> taskViews(ReferenceModel model) {
    Map<String, TaskView> views = new TreeMap<>();
    model.tasks.forEach(
        (key, t) -> {
          Map<String, Long> versions = new TreeMap<>();
          Set<String> names = new TreeSet<>(t.fieldVersions.keySet());
          t.fields.fieldNames().forEachRemaining(f -> names.add("fields." + f));
          for (String f : fieldNames(Map.of(), names)) {
            versions.put(f, t.fieldVersion(f));
          }
          views.put(
              key,
              new TaskView(
                  t.id,
                  t.title,
                  t.description,
                  t.status,
                  t.assignee,
                  t.fields.toString(),
                  t.version,
                  versions));
        });
    return views;
  }

  private static Map<String, LockView> lockViews(TopologyHarness live) {
    Map<String, LockView> views = new TreeMap<>();
    live.contents(StoreNames.LOCKS)
        .forEach(
            (key, value) -> {
              LockState l = (LockState) value;
              views.put(
                  key,
                  new LockView(
                      l.holders().stream()
                          .map(
                              h ->
                                  new HolderView(
                                      h.agent(),
                                      h.requestId(),
                                      h.mode().toString(),
                                      h.token(),
                                      h.leaseDeadline()))
                          .toList(),
                      l.queue().stream()
                          .map(
                              w ->
                                  new WaiterView(
                                      w.agent(),
                                      w.requestId(),
                                      w.mode().toString(),
                                      w.waitDeadline()))
                          .toList(),
                      l.lastToken(),
                      l.version()));
            });
    return views;
  }

  private static Map<String, LockView> lockViews(ReferenceModel model) {
    Map<String, LockView> views = new TreeMap<>();
    for (Map.Entry<String, ModelLock> e : model.locks.entrySet()) {
      ModelLock l = e.getValue();
      views.put(
          e.getKey(),
          new LockView(
              l.holders.stream()
                  .map(
                      h ->
                          new HolderView(
                              h.agent(), h.requestId(), h.mode(), h.token(), h.leaseDeadline()))
                  .toList(),
              l.queue.stream()
                  .map(w -> new WaiterView(w.agent(), w.requestId(), w.mode(), w.waitDeadline()))
                  .toList(),
              l.lastToken,
              l.version));
    }
    return views;
  }
}
