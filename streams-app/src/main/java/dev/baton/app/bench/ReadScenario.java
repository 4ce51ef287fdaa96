package dev.baton.app.bench;

import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code read}: one client reading random tasks one after the other through {@code GET
 * /v1/tasks/{workspace}/{id}} (HTTP/1.1 on one kept-alive connection, {@link KeepAliveHttp}),
 * against the same lookups made in-process on the store ({@link TaskQueries#get}).
 */
public final class ReadScenario implements Scenario {

  @Override
  public String name() {
    return "read";
  }

  @Override
  public BenchResult run(BenchEnvironment env) throws Exception {
    int tasks = BenchOptions.pick(env.options().tasks(), env.quick(), 1_000, 10_000);
    Duration measure =
        BenchOptions.pick(
            env.options().seconds(), env.quick(), Duration.ofSeconds(2), Duration.ofSeconds(15));
    Duration warmup = env.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
    BenchResult result = new BenchResult(name());
    env.describe(result);
    result.config("tasks", tasks);
    result.config("clients", "1, sequential, HTTP/1.1 keep-alive");
    result.config("warmup_s", warmup.toSeconds());
    result.config("measure_s", measure.toSeconds());
    try (BenchNode node = env.startNode(name())) {
      createTasks(node, tasks);
      String base = "/v1/tasks/" + AggregateKeys.DEFAULT_WORKSPACE + "/";
      Latency viaHttp = new Latency();
      CpuMeter cpu = CpuMeter.start();
      try (KeepAliveHttp http = new KeepAliveHttp("127.0.0.1", node.service().httpPort())) {
        loop(tasks, warmup, measure, viaHttp, id -> get(http, base + id));
      }
      cpu.addTo(result, "http_");
      TaskQueries queries = node.queries();
      Latency direct = new Latency();
      loop(tasks, warmup, measure, direct, id -> direct(queries, id));
      result.metric("latency_p50_ms", viaHttp.p50Ms());
      result.metric("latency_p99_ms", viaHttp.p99Ms());
      result.metric("latency_p999_ms", viaHttp.p999Ms());
      result.metric("reads_per_s", viaHttp.count() / (double) measure.toSeconds());
      result.baseline("latency_p50_ms", direct.p50Ms());
      result.baseline("latency_p99_ms", direct.p99Ms());
      result.baseline("latency_p999_ms", direct.p999Ms());
      result.baseline("reads_per_s", direct.count() / (double) measure.toSeconds());
      result.ratio("latency_p50_ms/direct", viaHttp.p50Ms(), direct.p50Ms());
      result.ratio("latency_p99_ms/direct", viaHttp.p99Ms(), direct.p99Ms());
    }
    return result;
  }

  private static void createTasks(BenchNode node, int tasks) throws Exception {
    try (BatonClient client = node.client("bench-reader")) {
      for (int from = 0; from < tasks; from += 1_000) {
        List<CompletableFuture<Outcome>> batch = new ArrayList<>();
        for (int i = from; i < Math.min(tasks, from + 1_000); i++) {
          batch.add(client.tasks().create(NewTask.titled("read bench " + i).withId(id(i))));
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      }
    }
  }

  private static String id(int i) {
    return "r-" + i;
  }

  /** One lookup; throws when the task is not found. */
  @FunctionalInterface
  private interface Lookup {
    void get(String id) throws Exception;
  }

  private static void loop(
      int tasks, Duration warmup, Duration measure, Latency latency, Lookup lookup)
      throws Exception {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    TimedLoop.run(warmup, measure, latency, i -> lookup.get(id(random.nextInt(tasks))));
  }

  private static void get(KeepAliveHttp http, String path) throws Exception {
    int status = http.get(path);
    if (status != 200) {
      throw new IllegalStateException("GET " + path + " answered " + status);
    }
  }

  private static void direct(TaskQueries queries, String id) {
    if (!(queries.get(AggregateKeys.DEFAULT_WORKSPACE, id) instanceof TaskQueries.Found)) {
      throw new IllegalStateException("task " + id + " not found in the store");
    }
  }
}
