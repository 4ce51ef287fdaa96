package dev.baton.app.topology;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.config.AppConfig;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Random command sequences for the property tests that run the whole topology: task and lock
 * commands by three agents on two tasks and three resources, retries of earlier command ids, wall
 * clock advances that expire leases and waits, restores, and (when asked) restarts of the service.
 */
final class CommandSequences {
  static final List<String> AGENTS = List.of("alice", "bob", "carol");
  static final List<String> TASKS = List.of("T1", "T2");
  static final List<String> RESOURCES = List.of("task/T1", "task/T2", "src/A.java");
  static final long PUNCTUATE_INTERVAL_MS = 200L;
  static final long MAX_LEASE_MS = 60_000L;
  static final long MAX_WAIT_MS = 120_000L;
  static final Map<String, Object> OVERRIDES =
      Map.of(
          AppConfig.PUNCTUATE_INTERVAL_MS, PUNCTUATE_INTERVAL_MS,
          AppConfig.LOCK_MAX_LEASE_MS, MAX_LEASE_MS,
          AppConfig.LOCK_MAX_WAIT_MS, MAX_WAIT_MS);

  /** The command kinds, with how often each is picked (locks and task writes most). */
  static final Map<String, Integer> KINDS =
      Map.ofEntries(
          Map.entry("create", 3),
          Map.entry("update", 4),
          Map.entry("claim", 3),
          Map.entry("transition", 4),
          Map.entry("fencedWrite", 4),
          Map.entry("acquire", 8),
          Map.entry("renew", 3),
          Map.entry("release", 4),
          Map.entry("cancel", 2),
          Map.entry("decision", 1),
          Map.entry("emit", 1),
          Map.entry("restoreLock", 1),
          Map.entry("restoreTask", 1));

  private CommandSequences() {}

  /** One step of a run. */
  sealed interface Step permits Send, Retry, Advance, Restart {}

  /** A new command of {@code kind} by {@code agent} on {@code target}; {@code n} varies details. */
  record Send(String kind, String agent, int target, int n) implements Step {}

  /** The {@code back}-th earlier command again, same id. */
  record Retry(int back) implements Step {}

  /** The wall clock moves by {@code ms}. */
  record Advance(long ms) implements Step {}

  /** The service stops and starts again on the same state. */
  record Restart() implements Step {}

  /** A command as sent, with its key. */
  record Sent(String key, ObjectNode command) {
    String id() {
      return command.path("id").asText();
    }
  }

  /**
   * Steps: mostly new commands, some retries and clock advances; restarts when {@code restarts}.
   * With {@code gridAdvances} every advance is a whole number of punctuation intervals, so each
   * non-zero advance runs exactly one punctuation at the new time.
   */
  static Arbitrary<Step> step(boolean restarts, boolean gridAdvances) {
    Arbitrary<Step> send =
        Combinators.combine(
                kind(),
                Arbitraries.of(AGENTS),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 5))
            .as(Send::new);
    Arbitrary<Step> retry = Arbitraries.integers().between(1, 5).map(Retry::new);
    // On the grid, mostly short advances (up to 5 s, shorter than leases and waits, so requests
    // queue behind live holders), sometimes long ones (up to 40 s) that expire them.
    Arbitrary<Long> ms =
        gridAdvances
            ? Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.longs().between(0, 25)),
                    Tuple.of(1, Arbitraries.longs().between(0, 200)))
                .map(k -> k * PUNCTUATE_INTERVAL_MS)
            : Arbitraries.longs().between(0, 40_000);
    Arbitrary<Step> advance = ms.map(Advance::new);
    if (!restarts) {
      return Arbitraries.frequencyOf(Tuple.of(8, send), Tuple.of(1, retry), Tuple.of(3, advance));
    }
    Arbitrary<Step> restart = Arbitraries.just(new Restart());
    return Arbitraries.frequencyOf(
        Tuple.of(16, send), Tuple.of(2, retry), Tuple.of(6, advance), Tuple.of(1, restart));
  }

  private static Arbitrary<String> kind() {
    List<Tuple.Tuple2<Integer, String>> weighted =
        KINDS.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> Tuple.of(e.getValue(), e.getKey()))
            .toList();
    return Arbitraries.frequency(weighted.toArray(Tuple.Tuple2[]::new));
  }

  /**
   * Runs of 1 to {@code maxSize} steps, sizes spread evenly (not biased to short runs) and without
   * jqwik's edge cases (runs of one repeated step).
   */
  static Arbitrary<List<Step>> runs(boolean restarts, boolean gridAdvances, int maxSize) {
    return step(restarts, gridAdvances)
        .list()
        .ofMinSize(1)
        .ofMaxSize(maxSize)
        .withSizeDistribution(RandomDistribution.uniform())
        .withoutEdgeCases();
  }

  /** The {@code back}-th last command sent, or null when nothing was sent yet. */
  static Sent earlier(List<Sent> sent, Retry retry) {
    return sent.isEmpty() ? null : sent.get(Math.max(0, sent.size() - retry.back()));
  }

  /** The command {@code s} stands for, with command id {@code prefix-id}. */
  static Sent command(Send s, String prefix, int id) {
    String task = TASKS.get(s.target() % TASKS.size());
    String resource = RESOURCES.get(s.target());
    String taskKey = AggregateKeys.task("default", task);
    String lockKey = AggregateKeys.lock("default", resource);
    String cmdId = prefix + "-" + id;
    ObjectNode cmd;
    switch (s.kind()) {
      case "create" -> {
        return new Sent(
            taskKey, withId(CommandFixtures.create(s.agent(), task, "t" + s.n()), cmdId));
      }
      case "update" -> {
        Long expected = s.n() % 2 == 0 ? null : (long) s.n();
        return new Sent(
            taskKey,
            withId(CommandFixtures.update(s.agent(), task, expected, patch(s.n())), cmdId));
      }
      case "claim" -> {
        cmd = CommandFixtures.claim(s.agent(), task);
        return new Sent(taskKey, withId(guarded(cmd, s.n()), cmdId));
      }
      case "transition" -> {
        String to =
            List.of("OPEN", "CLAIMED", "IN_PROGRESS", "DONE", "BLOCKED", "CANCELLED").get(s.n());
        cmd = CommandFixtures.transition(s.agent(), task, to);
        return new Sent(taskKey, withId(guarded(cmd, s.n() + s.target()), cmdId));
      }
      case "fencedWrite" -> {
        cmd =
            switch (s.target()) {
              case 0 ->
                  CommandFixtures.update(
                      s.agent(),
                      task,
                      null,
                      CommandFixtures.patch("{\"title\": \"w" + s.n() + "\"}"));
              case 1 -> CommandFixtures.claim(s.agent(), task);
              default ->
                  CommandFixtures.transition(
                      s.agent(), task, s.n() % 2 == 0 ? "IN_PROGRESS" : "CLAIMED");
            };
        cmd.putObject("fence").put("resource", "task/" + task).put("token", 1 + s.n());
        ((ObjectNode) cmd.get("body")).put("release", s.n() % 3 != 0);
        return new Sent(taskKey, withId(cmd, cmdId));
      }
      case "acquire" -> {
        cmd = lock("lock.acquire", s.agent(), resource);
        ObjectNode body = (ObjectNode) cmd.get("body");
        body.put("mode", s.n() % 2 == 0 ? "EXCLUSIVE" : "COLLABORATIVE");
        body.put("leaseMs", 5_000L * (1 + s.n() % 3));
        body.put("waitMs", s.n() < 2 ? 0 : 4_000L * s.n());
        return new Sent(lockKey, withId(cmd, cmdId));
      }
      case "renew" -> {
        cmd = lock("lock.renew", s.agent(), resource);
        if (s.n() % 2 == 1) {
          ((ObjectNode) cmd.get("body")).put("leaseMs", 3_000L * s.n());
        }
        return new Sent(lockKey, withId(cmd, cmdId));
      }
      case "release", "cancel" -> {
        return new Sent(lockKey, withId(lock("lock." + s.kind(), s.agent(), resource), cmdId));
      }
      case "decision" -> {
        cmd = CommandFixtures.envelope("decision.record", s.agent());
        ObjectNode body = cmd.putObject("body").put("title", "d" + s.n()).put("decision", "yes");
        if (s.n() > 0) {
          body.put("supersedes", s.n());
        }
        return new Sent(AggregateKeys.decisions("default"), withId(cmd, cmdId));
      }
      case "emit" -> {
        cmd = CommandFixtures.emit(s.agent(), "e" + s.n());
        ((ObjectNode) cmd.get("body")).put("taskId", task);
        return new Sent(taskKey, withId(cmd, cmdId));
      }
      case "restoreLock" -> {
        LockState free =
            new LockState(
                resource, "default", lockKey, List.of(), List.of(), s.n(), s.n(), null, List.of());
        cmd = CommandFixtures.envelope("state.restore", "baton-admin");
        cmd.putObject("body")
            .put("checkpoint", "c" + s.n())
            .set("lock", Json.mapper().valueToTree(free));
        return new Sent(lockKey, withId(cmd, cmdId));
      }
      case "restoreTask" -> {
        Task restored =
            new Task(
                task,
                "default",
                "restored " + s.n(),
                null,
                s.n() % 2 == 0 ? TaskStatus.OPEN : TaskStatus.IN_PROGRESS,
                s.n() % 2 == 0 ? null : "carol",
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
        return new Sent(taskKey, withId(cmd, cmdId));
      }
      default -> throw new IllegalArgumentException(s.kind());
    }
  }

  /**
   * Patches that touch the title, keys of {@code fields}, or both; some remove a key with {@code
   * null}.
   */
  private static ObjectNode patch(int n) {
    return CommandFixtures.patch(
        switch (n) {
          case 0 -> "{\"title\": \"u0\"}";
          case 1 -> "{\"fields\": {\"f1\": 1}}";
          case 2 -> "{\"title\": \"u2\", \"fields\": {\"f2\": 2}}";
          case 3 -> "{\"fields\": {\"f1\": null}}";
          case 4 -> "{\"title\": \"u4\", \"fields\": {\"f1\": 4}}";
          default -> "{\"fields\": {\"f5\": 5, \"f2\": null}}";
        });
  }

  /** With {@code expectedVersion = n} for odd {@code n}, unguarded otherwise. */
  private static ObjectNode guarded(ObjectNode cmd, int n) {
    return n % 2 == 1 ? CommandFixtures.withExpectedVersion(cmd, n) : cmd;
  }

  private static ObjectNode lock(String type, String agent, String resource) {
    ObjectNode cmd = CommandFixtures.envelope(type, agent);
    cmd.putObject("body").put("resource", resource);
    return cmd;
  }

  private static ObjectNode withId(ObjectNode cmd, String id) {
    return cmd.put("id", id);
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path root) {
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
