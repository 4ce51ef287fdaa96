package dev.baton.app.bench;

import dev.baton.app.config.AppConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code fairness}: do well-behaved agents keep their latency while one agent floods? Over HTTP,
 * one node, auth off (the agent is {@code X-Baton-Agent}), every request a {@code task.create}
 * through the topology:
 *
 * <ul>
 *   <li>the well-behaved: {@code --agents} agents (default 99), each sending {@value #RATE} creates
 *       a second (about 50 a second together, well below what one node on two cores takes) on a
 *       fixed schedule (open loop: the latency of a request counts from when it was due, so a node
 *       that falls behind cannot hide it);
 *   <li>the flooder: one agent with {@value #FLOOD_CONCURRENCY} requests always in flight and no
 *       client-side limit: each answer, a 429 included, is followed at once by the next request.
 * </ul>
 *
 * The well-behaved agents' latency is measured alone (the baseline) and then while the flooder
 * runs; the node's per-agent limits ({@code baton.limits.agent.*}, as configured) are what stands
 * between them. Everything (broker, node, clients) shares the machine, so the flooder's own CPU is
 * part of what the others pay.
 */
public final class FairnessScenario implements Scenario {
  static final double RATE = 0.5;
  static final int FLOOD_CONCURRENCY = 512;
  private static final String WORKSPACE = "default";

  @Override
  public String name() {
    return "fairness";
  }

  @Override
  public BenchResult run(BenchEnvironment env) throws Exception {
    Duration measure =
        BenchOptions.pick(
            env.options().seconds(), env.quick(), Duration.ofSeconds(3), Duration.ofSeconds(30));
    Duration warmup = env.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
    int agents = env.options().agents() != null ? env.options().agents() : 99;
    BenchResult result = new BenchResult(name());
    env.describe(result);
    result.config("well_behaved_agents", agents);
    result.config("well_behaved_rate_per_agent", RATE);
    result.config("flood_concurrency", FLOOD_CONCURRENCY);
    result.config("warmup_s", warmup.toSeconds());
    result.config("measure_s", measure.toSeconds());
    result.config("request", "POST /v1/tasks/{ws} (task.create), HTTP/1.1");
    try (BenchNode node = env.startNode(name())) {
      result.config(
          "limits_agent_commands",
          node.config().values().get(AppConfig.LIMITS_AGENT_COMMANDS).toString());
      URI base = URI.create("http://127.0.0.1:" + node.service().httpPort());
      try (Calm calm = new Calm(base, agents);
          Flood flood = new Flood(base)) {
        calm.start();
        Thread.sleep(warmup.toMillis());
        Phase alone = calm.record();
        Thread.sleep(measure.toMillis());
        calm.stopRecording();

        flood.start();
        Thread.sleep(warmup.toMillis());
        Phase flooded = calm.record();
        long floodOk = flood.ok.get();
        long floodThrottled = flood.throttled.get();
        long floodFailed = flood.failed.get();
        Thread.sleep(measure.toMillis());
        calm.stopRecording();
        long ok = flood.ok.get() - floodOk;
        long throttled = flood.throttled.get() - floodThrottled;
        long failed = flood.failed.get() - floodFailed;

        result.metric("well_p50_ms", flooded.latency.p50Ms());
        result.metric("well_p99_ms", flooded.latency.p99Ms());
        result.metric("well_p999_ms", flooded.latency.p999Ms());
        result.metric("well_per_s", flooded.ok.sum() / (double) measure.toSeconds());
        result.metric("well_429", flooded.throttled.sum());
        result.metric("well_errors", flooded.failed.sum());
        result.metric("flood_accepted_per_s", ok / (double) measure.toSeconds());
        result.metric("flood_429", throttled);
        result.metric("flood_429_per_s", throttled / (double) measure.toSeconds());
        result.metric("flood_errors", failed);
        result.baseline("well_p50_ms", alone.latency.p50Ms());
        result.baseline("well_p99_ms", alone.latency.p99Ms());
        result.baseline("well_p999_ms", alone.latency.p999Ms());
        result.baseline("well_per_s", alone.ok.sum() / (double) measure.toSeconds());
        result.baseline("well_429", alone.throttled.sum());
        result.ratio("well_p50_ms", flooded.latency.p50Ms(), alone.latency.p50Ms());
        result.ratio("well_p99_ms", flooded.latency.p99Ms(), alone.latency.p99Ms());
        if (flooded.failed.sum() + alone.failed.sum() > 0) {
          result.note(
              "well-behaved requests that failed (neither 201 nor 429): "
                  + (alone.failed.sum() + flooded.failed.sum()));
        }
      }
    }
    return result;
  }

  /**
   * One measured phase of the well-behaved agents: every request due while it lasts, each counted
   * when its answer comes, however late (so slow answers are not left out).
   */
  static final class Phase {
    final long startNanos = System.nanoTime();
    final Latency latency = new Latency();
    final LongAdder ok = new LongAdder();
    final LongAdder throttled = new LongAdder();
    final LongAdder failed = new LongAdder();
    final AtomicInteger pending = new AtomicInteger();
    volatile boolean open = true;
  }

  private static HttpRequest create(URI base, String agent, String taskId) {
    return HttpRequest.newBuilder(base.resolve("/v1/tasks/" + WORKSPACE))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("X-Baton-Agent", agent)
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"id\":\"" + taskId + "\",\"title\":\"fairness\"}"))
        .build();
  }

  private static ExecutorService daemons(int threads, String name) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** The well-behaved agents: each sends on its own fixed schedule, whatever the answers do. */
  private static final class Calm implements AutoCloseable {
    private final URI base;
    private final int agents;
    private final ExecutorService io = daemons(2, "bench-fair-calm-io-");
    private final HttpClient http;
    private final ScheduledExecutorService schedule =
        Executors.newScheduledThreadPool(
            1,
            r -> {
              Thread t = new Thread(r, "bench-fair-calm-schedule");
              t.setDaemon(true);
              return t;
            });
    private final AtomicLong sequence = new AtomicLong();
    private volatile Phase phase;
    private volatile boolean stopped;

    Calm(URI base, int agents) {
      this.base = base;
      this.agents = agents;
      this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(io).build();
    }

    void start() {
      long interval = (long) (1e9 / RATE);
      long epoch = System.nanoTime();
      for (int i = 0; i < agents; i++) {
        String agent = "calm-" + i;
        long first = epoch + ThreadLocalRandom.current().nextLong(interval);
        at(agent, first, interval);
      }
    }

    private void at(String agent, long due, long interval) {
      if (stopped) {
        return;
      }
      schedule.schedule(
          () -> {
            send(agent, due);
            at(agent, due + interval, interval);
          },
          Math.max(0, due - System.nanoTime()),
          TimeUnit.NANOSECONDS);
    }

    private void send(String agent, long due) {
      Phase current = phase;
      Phase p = current != null && current.open && due >= current.startNanos ? current : null;
      if (p != null) {
        p.pending.incrementAndGet();
      }
      String id = agent + "-" + sequence.incrementAndGet();
      http.sendAsync(create(base, agent, id), HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (answer, failure) -> {
                if (p == null) {
                  return;
                }
                p.pending.decrementAndGet();
                if (failure == null && answer.statusCode() == 201) {
                  p.latency.recordNanos(System.nanoTime() - due);
                  p.ok.increment();
                } else if (failure == null && answer.statusCode() == 429) {
                  p.throttled.increment();
                } else {
                  p.failed.increment();
                }
              });
    }

    Phase record() {
      Phase p = new Phase();
      phase = p;
      return p;
    }

    /** Ends the phase and waits (at most a minute) for the answers to its requests. */
    void stopRecording() throws InterruptedException {
      Phase p = phase;
      phase = null;
      p.open = false;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (p.pending.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }

    @Override
    public void close() {
      stopped = true;
      schedule.shutdownNow();
      io.shutdownNow();
    }
  }

  /** The runaway agent: always {@value #FLOOD_CONCURRENCY} requests in flight, no backing off. */
  private static final class Flood implements AutoCloseable {
    private final URI base;
    private final ExecutorService io = daemons(2, "bench-fair-flood-io-");
    private final HttpClient http;
    private final AtomicLong sequence = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong throttled = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    private volatile boolean stopped;

    Flood(URI base) {
      this.base = base;
      this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(io).build();
    }

    void start() {
      for (int i = 0; i < FLOOD_CONCURRENCY; i++) {
        next();
      }
    }

    private void next() {
      if (stopped) {
        return;
      }
      http.sendAsync(
              create(base, "flood", "flood-" + sequence.incrementAndGet()),
              HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (answer, failure) -> {
                if (failure == null && answer.statusCode() == 201) {
                  ok.incrementAndGet();
                } else if (failure == null && answer.statusCode() == 429) {
                  throttled.incrementAndGet();
                } else {
                  failed.incrementAndGet();
                }
                next();
              });
    }

    @Override
    public void close() {
      stopped = true;
      io.shutdownNow();
    }
  }
}
