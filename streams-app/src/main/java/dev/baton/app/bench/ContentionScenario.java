package dev.baton.app.bench;

import dev.baton.app.bench.sql.PostgresTarget;
import dev.baton.app.bench.sql.SqlLockBench;
import dev.baton.app.bench.sql.SqliteTarget;
import dev.baton.app.check.CheckResult;
import dev.baton.app.check.HistoryChecker;
import dev.baton.app.check.Invariant;
import dev.baton.app.check.Violation;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code contention}: the lock contention experiment of {@code LockContentionIT} at 10, 25, 50 and
 * 100 agents in both modes ({@link ContentionWorkload}: each agent locks one of four hot tasks,
 * reads its counter, writes it plus one, releases), checked by the {@link HistoryChecker}; and the
 * same workload with the same semantics on SQLite and PostgreSQL ({@link SqlLockBench}). Our agents
 * release the lock with the write itself unless {@link BenchOptions#separateRelease()} asks for a
 * {@code lock.release} after it (config {@code release_with_write}).
 *
 * <p>Metric names are {@code <mode>_<agents>_<measure>}, e.g. {@code exclusive_100_ops_per_s};
 * baselines prefix the database ({@code postgresql_exclusive_100_ops_per_s}); ratios are ours over
 * theirs ({@code exclusive_100_ops_per_s/postgresql}).
 */
public final class ContentionScenario implements Scenario {
  static final int HOT_TASKS = 4;
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration MAX_WAIT = Duration.ofMinutes(5);

  @Override
  public String name() {
    return "contention";
  }

  @Override
  public BenchResult run(BenchEnvironment env) throws Exception {
    BenchOptions o = env.options();
    List<Integer> counts =
        BenchOptions.pick(o.contentionAgents(), env.quick(), List.of(10), List.of(10, 25, 50, 100));
    int ops = BenchOptions.pick(o.opsPerAgent(), env.quick(), 2, 5);
    BenchResult result = new BenchResult(name());
    env.describe(result);
    result.config("agent_counts", counts.toString());
    result.config("ops_per_agent", ops);
    result.config("hot_tasks", HOT_TASKS);
    result.config("lock_lease_s", LEASE.toSeconds());
    boolean releaseWithWrite = !o.separateRelease();
    result.config("release_with_write", releaseWithWrite);

    try (BenchNode node = env.startNode(name())) {
      result.config("commit_interval_ms", node.config().commitIntervalMs());
      BatonClient admin = node.client("bench-admin");
      try {
        for (LockMode mode : LockMode.values()) {
          for (int agents : counts) {
            runOurs(node, admin, result, mode, agents, ops, releaseWithWrite);
          }
        }
      } finally {
        admin.close();
      }
    }
    int maxAgents = counts.stream().mapToInt(Integer::intValue).max().orElse(1);
    baseline(
        result,
        "sqlite",
        () -> SqlLockBench.open(new SqliteTarget(env.scratch("sqlite")), maxAgents),
        counts,
        ops);
    baseline(
        result,
        "postgresql",
        () ->
            SqlLockBench.open(
                PostgresTarget.create(o.postgresUrl()), Math.min(maxAgents, o.postgresPool())),
        counts,
        ops);
    result.note(
        "ours: every agent is its own SDK client in this JVM, reads under the lock go to the local"
            + " task store; fcfs_violations and history_violations come from the history checker"
            + " over the events of the run's hot tasks");
    return result;
  }

  private void runOurs(
      BenchNode node,
      BatonClient admin,
      BenchResult result,
      LockMode mode,
      int agents,
      int ops,
      boolean releaseWithWrite)
      throws Exception {
    String run = mode.name().toLowerCase(Locale.ROOT) + "_" + agents;
    List<String> hot =
        IntStream.range(0, HOT_TASKS)
            .mapToObj(i -> "hot-" + run.replace('_', '-') + "-" + i)
            .toList();
    List<CompletableFuture<Outcome>> created = new ArrayList<>();
    for (String id : hot) {
      created.add(admin.tasks().create(NewTask.titled("hot " + id).withId(id)));
    }
    created.forEach(CompletableFuture::join);
    ContentionWorkload.Spec spec =
        new ContentionWorkload.Spec(agents, mode, hot, ops, LEASE, MAX_WAIT, releaseWithWrite);
    CpuMeter cpu = CpuMeter.start();
    ContentionWorkload.Result r =
        ContentionWorkload.run(spec, name -> node.client(run + "-" + name), node::readTask);
    cpu.addTo(result, run + "_");
    CheckResult check =
        HistoryChecker.checkTopic(
            node.service().bootstrapServers(),
            node.config().topics().events(),
            node.config().punctuateInterval(),
            Duration.ofSeconds(120));
    Set<String> keys = hot.stream().map(id -> "default/task/" + id).collect(Collectors.toSet());
    List<Violation> ours = check.violations().stream().filter(v -> keys.contains(v.key())).toList();
    result.metric(run + "_success_rate", r.successRate());
    result.metric(
        run + "_fcfs_violations",
        ours.stream().filter(v -> v.invariant() == Invariant.FIFO).count());
    result.metric(run + "_lost_updates", r.lostUpdates());
    result.metric(run + "_ops_per_s", r.opsPerSecond());
    result.metric(run + "_history_violations", ours.size());
    result.metric(run + "_version_conflicts", r.conflicts());
  }

  /** Opens a SQL baseline (or notes why it cannot run). */
  @FunctionalInterface
  private interface Opener {
    SqlLockBench open() throws Exception;
  }

  private void baseline(
      BenchResult result, String db, Opener opener, List<Integer> counts, int ops) {
    try (SqlLockBench bench = opener.open()) {
      result.config(db, bench.describe());
      for (LockMode mode : LockMode.values()) {
        for (int agents : counts) {
          String run = mode.name().toLowerCase(Locale.ROOT) + "_" + agents;
          List<String> hot = IntStream.range(0, HOT_TASKS).mapToObj(i -> run + "-" + i).toList();
          SqlLockBench.Result r = bench.run(new SqlLockBench.Spec(agents, mode, hot, ops));
          result.baseline(db + "_" + run + "_success_rate", r.successRate());
          result.baseline(db + "_" + run + "_fcfs_violations", r.fcfsViolations());
          result.baseline(db + "_" + run + "_lost_updates", r.lostUpdates());
          result.baseline(db + "_" + run + "_ops_per_s", r.opsPerSecond());
          Double ours = result.metrics().get(run + "_ops_per_s");
          if (ours != null) {
            result.ratio(run + "_ops_per_s/" + db, ours, r.opsPerSecond());
          }
        }
      }
    } catch (Exception e) {
      result.note(db + " baseline did not run: " + e.getMessage());
    }
  }
}
