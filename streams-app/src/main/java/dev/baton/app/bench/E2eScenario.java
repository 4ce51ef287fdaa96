package dev.baton.app.bench;

import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code e2e}: N agents (default 100), each its own SDK client, run the {@link AgentLoad} mix (lock
 * acquire, two fenced task updates, release) against a Baton node; every command counts once its
 * outcome is back.
 *
 * <ol>
 *   <li>Peak: sessions send as fast as outcomes return; {@code commands_per_s}.
 *   <li>Half the peak rate, paced: {@code latency_p50/p99/p999_ms} over all commands, and the same
 *       for lock commands and task updates apart.
 * </ol>
 *
 * Baselines in the same run: the raw producer's {@code records_per_s}, and raw produce-to-consume
 * latency at the same rate as the paced phase.
 */
public final class E2eScenario implements Scenario {

  @Override
  public String name() {
    return "e2e";
  }

  @Override
  public BenchResult run(BenchEnvironment env) throws Exception {
    BenchOptions o = env.options();
    int agents = BenchOptions.pick(o.agents(), env.quick(), 10, 100);
    int window = BenchOptions.pick(o.window(), env.quick(), 2, 4);
    Duration measure = BenchOptions.pick(o.seconds(), env.quick(), seconds(2), seconds(15));
    Duration warmup = env.quick() ? seconds(1) : seconds(5);
    BenchResult result = new BenchResult(name());
    env.describe(result);
    result.config("agents", agents);
    result.config("sessions_per_agent", window);
    result.config("mix", "acquire task lock, 2 fenced updates, release (50% lock commands)");
    result.config("warmup_s", warmup.toSeconds());
    result.config("measure_s", measure.toSeconds());

    double peak;
    double paced;
    AgentLoad.Recording atHalf;
    try (BenchNode node = env.startNode(name())) {
      result.config("commit_interval_ms", node.config().commitIntervalMs());
      result.config("processing_guarantee", node.config().processingGuarantee());
      List<BatonClient> clients = node.clients("agent-", agents);
      try {
        List<List<String>> tasks = createTasks(clients, window);
        try (AgentLoad load = new AgentLoad(clients, tasks)) {
          load.start();
          Thread.sleep(warmup.toMillis());
          CpuMeter cpu = CpuMeter.start();
          long before = load.completed();
          long t0 = System.nanoTime();
          AgentLoad.Recording atPeak = load.record();
          Thread.sleep(measure.toMillis());
          peak = (load.completed() - before) / ((System.nanoTime() - t0) / 1e9);
          cpu.addTo(result, "peak_");
          result.metric("commands_per_s", peak);
          result.metric("peak_latency_p99_ms", atPeak.all().p99Ms());

          load.pace(peak / 2);
          Thread.sleep(warmup.toMillis());
          before = load.completed();
          t0 = System.nanoTime();
          atHalf = load.record();
          Thread.sleep(measure.toMillis());
          paced = (load.completed() - before) / ((System.nanoTime() - t0) / 1e9);
          result.metric("errors", load.errors());
        }
      } finally {
        BenchNode.closeAll(clients);
      }
    }
    result.metric("latency_p50_ms", atHalf.all().p50Ms());
    result.metric("latency_p99_ms", atHalf.all().p99Ms());
    result.metric("latency_p999_ms", atHalf.all().p999Ms());
    result.metric("half_rate_commands_per_s", paced);
    atHalf.lock().addMetrics(result, "lock_latency_");
    atHalf.update().addMetrics(result, "update_latency_");

    long records = BenchOptions.pick(o.records(), env.quick(), 100_000L, 2_000_000L);
    RawKafka.Throughput raw = ProduceScenario.measure(env, records);
    result.baseline("records_per_s", raw.recordsPerSecond());
    String topic = env.newPrefix("e2e-raw") + "latency";
    env.createTopics(topic);
    Latency rawLatency =
        RawKafka.produceToConsumeLatency(env.bootstrapServers(), topic, peak / 2, warmup, measure);
    result.baseline("latency_p50_ms", rawLatency.p50Ms());
    result.baseline("latency_p99_ms", rawLatency.p99Ms());
    result.baseline("latency_p999_ms", rawLatency.p999Ms());
    result.config("baseline_latency_rate_per_s", Math.round(peak / 2));

    result.ratio("commands_per_s/records_per_s", peak, raw.recordsPerSecond());
    result.ratio("latency_p99_ms/raw_latency_p99_ms", atHalf.all().p99Ms(), rawLatency.p99Ms());
    result.note(
        "everything (broker, topology, "
            + agents
            + " SDK clients, load generator) runs in one JVM on "
            + Runtime.getRuntime().availableProcessors()
            + " cores; latencies are measured at half the peak rate, from when each command was"
            + " due");
    return result;
  }

  /** {@code perAgent} tasks for every agent, created by that agent. */
  private static List<List<String>> createTasks(List<BatonClient> clients, int perAgent)
      throws Exception {
    List<List<String>> ids = new ArrayList<>();
    List<CompletableFuture<Outcome>> created = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      List<String> mine = new ArrayList<>();
      for (int j = 0; j < perAgent; j++) {
        String id = "e2e-" + i + "-" + j;
        mine.add(id);
        created.add(clients.get(i).tasks().create(NewTask.titled("bench task " + id).withId(id)));
      }
      ids.add(mine);
    }
    CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    return ids;
  }

  static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
