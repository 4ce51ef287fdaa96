package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.check.CheckResult;
import dev.baton.app.check.EventLogReader;
import dev.baton.app.check.HistoryChecker;
import dev.baton.app.check.PositionedEvent;
import dev.baton.app.cli.CliRun;
import dev.baton.app.cli.SinkCommand;
import dev.baton.app.http.ReadRouter;
import dev.baton.app.sink.projection.Dialect;
import dev.baton.app.sink.projection.TestDatabases;
import dev.baton.app.testing.ChildNodes;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code baton serve} nodes and two {@code baton sink}s as child processes on one broker,
 * configured through the {@code BATON_*} variables the Kubernetes manifests use. Every read
 * succeeds through every node; one node is killed ({@code kill -9}) while a writer keeps updating
 * tasks through the others; the dead node's keys answer again (the time is printed, see
 * docs/benchmarks.md), no read in between is a wrong answer, and every acknowledged command is in
 * the event log, which {@link HistoryChecker} finds consistent. The two sinks share one PostgreSQL
 * projection; one of them is killed with the node, and {@code baton verify} finds the projection
 * equal to the log.
 *
 * <p>{@code -Dbaton.sim.standbys=0} runs it without standby replicas (the default is the key's
 * default, 1), to compare take-over times; {@code -Dsoak} uses more tasks and a longer write phase.
 */
@Timeout(600)
class ClusterSimulationIT {
  private static final boolean SOAK = System.getProperty("soak") != null;
  private static final int NODES = Integer.getInteger("baton.sim.nodes", 3);
  private static final boolean MEASURE = System.getProperty("baton.sim.measure") != null;

  /** {@code term}: stop the node gracefully instead of killing it (no session timeout). */
  private static final boolean GRACEFUL = "term".equals(System.getProperty("baton.sim.stop"));

  private static final int PARTITIONS = 6;
  private static final int TASKS = SOAK ? 120 : 24;
  private static final String WS = "sim";

  /** The operator token every node accepts (auth is on for {@code baton serve}). */
  private static final String TOKEN = "sim-operator-token-" + UUID.randomUUID();

  private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(150);

  @TempDir Path dir;
  private final ChildNodes children = new ChildNodes();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A command answered 2xx: it must be in the log. */
  private record Ack(String commandId, String key, long version) {}

  private record Reply(int status, JsonNode json, String body, HttpHeaders headers) {
    static final Reply NONE =
        new Reply(-1, null, "(no answer)", HttpHeaders.of(Map.of(), (a, b) -> true));
  }

  private TestDatabases.TestDb projection;

  @AfterEach
  void stop() throws Exception {
    children.close();
    if (projection != null) {
      projection.close();
    }
  }

  @Test
  void shouldAnswerEveryReadOnEveryNodeAndLoseNothingWhenANodeIsKilled() throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    String standbys = System.getProperty("baton.sim.standbys");
    List<String> bases = new ArrayList<>();
    List<ChildNodes.Child> nodes = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      int port = ChildNodes.freePort();
      Map<String, String> env =
          new HashMap<>(ChildNodes.sharedSettings(prefix, dir.resolve("node-" + i)));
      env.put("BATON_HTTP_PORT", String.valueOf(port));
      env.put("BATON_APPLICATION_SERVER", "127.0.0.1:" + port);
      env.put("BATON_PARTITIONS", String.valueOf(PARTITIONS));
      // As the prod overlay runs: auth on, the operator token from the environment (a Secret).
      env.put("BATON_AUTH_ADMIN_TOKEN", TOKEN);
      if (standbys != null) {
        env.put("BATON_STANDBY_REPLICAS", standbys);
      }
      nodes.add(children.start("node-" + i, dir.resolve("node-" + i + ".log"), env, "serve"));
      bases.add("http://127.0.0.1:" + port);
    }
    // Both sinks write one PostgreSQL projection (a schema of this test's own), sharing the
    // events partitions through their consumer group.
    projection = TestDatabases.create(Dialect.POSTGRESQL, dir);
    List<ChildNodes.Child> sinks = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Map<String, String> env =
          new HashMap<>(ChildNodes.sharedSettings(prefix, dir.resolve("sink-" + i)));
      env.put("BATON_PROJECTION_JDBC_URL", projection.url());
      sinks.add(children.start("sink-" + i, dir.resolve("sink-" + i + ".log"), env, "sink"));
    }
    children.await(
        "every node serves a listing (all partitions assigned, every node reachable)",
        Duration.ofSeconds(180),
        nodes,
        () -> bases.stream().allMatch(b -> get(b + "/v1/tasks?workspace=" + WS).status() == 200));
    for (ChildNodes.Child sink : sinks) {
      children.await(
          sink.name() + " runs",
          Duration.ofSeconds(120),
          sinks,
          () ->
              sink.output().contains(SinkCommand.READY_LINE + ": " + prefix + "baton.events")
                  && sink.output().contains("projection positions for [" + prefix));
    }

    // Commands through every node.
    List<Ack> acks = new CopyOnWriteArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      String id = String.format("t-%03d", i);
      ids.add(id);
      acks.add(
          command(
              bases.get(i % NODES),
              "POST",
              "/v1/tasks/" + WS,
              "{\"id\":\"" + id + "\",\"title\":\"task " + id + "\"}",
              "create-" + id,
              Duration.ofSeconds(60)));
    }

    // Every read through every node: the same task, forwarded when another node owns it.
    Map<String, String> owner = new HashMap<>();
    int forwarded = 0;
    for (String id : ids) {
      for (String base : bases) {
        Reply r = get(base + "/v1/tasks/" + WS + "/" + id);
        assertThat(r.status()).as("%s via %s: %s", id, base, r.body()).isEqualTo(200);
        assertThat(r.json().path("version").asLong()).isEqualTo(1);
        String servedBy = r.headers().firstValue(ReadRouter.SERVED_BY).orElse(null);
        if (servedBy == null) {
          owner.put(id, base);
        } else {
          forwarded++;
        }
      }
    }
    assertThat(owner).as("every task answered locally by exactly its owner").hasSize(TASKS);
    assertThat(forwarded).isEqualTo(TASKS * (NODES - 1));
    for (String base : bases) {
      assertThat(listAll(base)).as("listing via %s", base).containsExactlyElementsOf(ids);
    }

    if (MEASURE) {
      measure(bases, ids);
    }
    if (NODES < 2) {
      return;
    }

    // Kill the node that owns the most tasks, while a writer updates tasks through the others.
    int victim = 0;
    for (int i = 1; i < NODES; i++) {
      if (countOwned(owner, bases.get(i)) > countOwned(owner, bases.get(victim))) {
        victim = i;
      }
    }
    String victimBase = bases.get(victim);
    List<String> survivors = bases.stream().filter(b -> !b.equals(victimBase)).toList();
    List<String> orphans = ids.stream().filter(id -> owner.get(id).equals(victimBase)).toList();
    assertThat(orphans).isNotEmpty();

    AtomicBoolean writing = new AtomicBoolean(true);
    Map<String, Long> ackedVersion = new ConcurrentHashMap<>();
    AtomicInteger writes = new AtomicInteger();
    Thread writer =
        new Thread(
            () -> {
              int n = 0;
              while (writing.get()) {
                String id = ids.get(n % TASKS);
                String base = survivors.get(n % survivors.size());
                n++;
                Reply r =
                    send(
                        base,
                        "PATCH",
                        "/v1/tasks/" + WS + "/" + id,
                        "{\"title\":\"write " + n + "\"}",
                        "write-" + n);
                if (r.status() == 200) {
                  Ack ack = ack(r);
                  acks.add(ack);
                  ackedVersion.merge(id, ack.version(), Math::max);
                  writes.incrementAndGet();
                }
              }
            },
            "sim-writer");
    writer.start();
    children.await(
        "the writer has acknowledged writes",
        Duration.ofSeconds(60),
        nodes,
        () -> writes.get() >= TASKS);

    if (GRACEFUL) {
      nodes.get(victim).process().destroy();
    } else {
      nodes.get(victim).kill();
    }
    long killedAt = System.nanoTime();
    // One sink dies too: the other takes its partitions over and the projection stays whole.
    sinks.get(1).kill();
    List<String> wrong = new CopyOnWriteArrayList<>();
    Set<String> answering = new HashSet<>();
    // Not "alive now": a node stopped with SIGTERM is still shutting down here.
    ChildNodes.Child stopped = nodes.get(victim);
    List<ChildNodes.Child> living = nodes.stream().filter(n -> n != stopped).toList();
    children.await(
        "every key of the killed node answers through every other node",
        TAKEOVER_BOUND,
        living,
        () -> {
          for (String id : orphans) {
            for (String base : survivors) {
              Reply r = get(base + "/v1/tasks/" + WS + "/" + id);
              if (r.status() == 200) {
                long acked = ackedVersion.getOrDefault(id, 1L);
                if (r.json().path("version").asLong() < acked) {
                  wrong.add(id + " via " + base + " answered version below the acknowledged one");
                }
                answering.add(id + "@" + base);
              } else if (r.status() != 503 || r.headers().firstValue("Retry-After").isEmpty()) {
                wrong.add(id + " via " + base + ": " + r.status() + " " + r.body());
              }
            }
          }
          return answering.size() == orphans.size() * survivors.size();
        });
    long takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.printf(
        "ClusterSimulationIT: %d keys of the stopped node answered again through every other node"
            + " %d ms after %s (standbys %s)%n",
        orphans.size(),
        takeoverMs,
        GRACEFUL ? "SIGTERM" : "kill -9",
        standbys == null ? "default" : standbys);
    assertThat(wrong).as("answers during the take-over").isEmpty();

    int before = writes.get();
    children.await(
        "the writer goes on after the take-over",
        Duration.ofSeconds(60),
        living,
        () -> writes.get() >= before + TASKS);
    writing.set(false);
    writer.join(120_000);

    // Every read through the survivors again, and nothing acknowledged is lost.
    for (String id : ids) {
      for (String base : survivors) {
        Reply r = get(base + "/v1/tasks/" + WS + "/" + id);
        assertThat(r.status()).as("%s via %s: %s", id, base, r.body()).isEqualTo(200);
        assertThat(r.json().path("version").asLong())
            .isGreaterThanOrEqualTo(ackedVersion.getOrDefault(id, 1L));
      }
    }
    for (String base : survivors) {
      assertThat(listAll(base)).containsExactlyElementsOf(ids);
    }
    EventLogReader.EventLog log =
        EventLogReader.read(
            KafkaTestCluster.bootstrapServers(), prefix + "baton.events", Duration.ofSeconds(60));
    Set<String> logged = new HashSet<>();
    for (PositionedEvent e : log.events()) {
      logged.add(e.event().commandId() + "|" + e.event().key() + "|" + e.event().version());
    }
    for (Ack ack : acks) {
      assertThat(logged)
          .as("acknowledged command %s is in the log", ack)
          .contains(ack.commandId() + "|" + ack.key() + "|" + ack.version());
    }
    CheckResult check =
        new HistoryChecker(Duration.ofMillis(200)).check(log.events(), log.problems());
    assertThat(check.ok()).as(check.toString()).isTrue();
    assertThat(sinks.get(0).process().isAlive()).as("the surviving sink").isTrue();
    CliRun verify =
        CliRun.of(
            "verify",
            "--bootstrap",
            KafkaTestCluster.bootstrapServers(),
            "--topic-prefix",
            prefix,
            "--jdbc-url",
            projection.url(),
            "--data-dir",
            dir.resolve("verify").toString(),
            "--skip",
            "checkpoint,audit,live",
            "--catch-up-ms",
            "120000");
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
  }

  /**
   * With {@code -Dbaton.sim.measure}: HTTP updates, then HTTP reads, from 8 client threads spread
   * over the nodes for 20 s each; prints the rates (docs/benchmarks.md). Asserts nothing about
   * them.
   */
  private void measure(List<String> bases, List<String> ids) throws InterruptedException {
    int threads = 8;
    long phaseNanos = Duration.ofSeconds(20).toNanos();
    AtomicInteger commands = new AtomicInteger();
    AtomicInteger reads = new AtomicInteger();
    for (int phase = 0; phase < 2; phase++) {
      boolean writing = phase == 0;
      List<Thread> workers = new ArrayList<>();
      long end = System.nanoTime() + phaseNanos;
      for (int t = 0; t < threads; t++) {
        int worker = t;
        Thread thread =
            new Thread(
                () -> {
                  int n = 0;
                  while (System.nanoTime() < end) {
                    String base = bases.get((worker + n) % bases.size());
                    String id = ids.get((worker * 7 + n) % ids.size());
                    n++;
                    if (writing) {
                      Reply r =
                          send(
                              base,
                              "PATCH",
                              "/v1/tasks/" + WS + "/" + id,
                              "{\"title\":\"m " + n + "\"}",
                              "measure-" + worker + "-" + n);
                      if (r.status() == 200) {
                        commands.incrementAndGet();
                      }
                    } else if (get(base + "/v1/tasks/" + WS + "/" + id).status() == 200) {
                      reads.incrementAndGet();
                    }
                  }
                });
        thread.start();
        workers.add(thread);
      }
      for (Thread w : workers) {
        w.join();
      }
    }
    double seconds = phaseNanos / 1e9;
    System.out.printf(
        "ClusterSimulationIT measure: %d nodes, %d client threads: %.0f commands/s, %.0f reads/s%n",
        bases.size(), threads, commands.get() / seconds, reads.get() / seconds);
  }

  private static long countOwned(Map<String, String> owner, String base) {
    return owner.values().stream().filter(base::equals).count();
  }

  /** Every task id of the workspace through {@code base}, page by page (5 a page). */
  private List<String> listAll(String base) {
    List<String> seen = new ArrayList<>();
    String after = null;
    for (int page = 0; page < 1000; page++) {
      Reply r =
          get(
              base
                  + "/v1/tasks?workspace="
                  + WS
                  + "&limit=5"
                  + (after == null ? "" : "&after=" + after));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      r.json().path("tasks").forEach(t -> seen.add(t.path("id").asText()));
      JsonNode next = r.json().path("next");
      if (next.isNull()) {
        return seen;
      }
      after = next.asText();
    }
    throw new AssertionError("listing through " + base + " did not end");
  }

  /** A command retried with the same idempotency key until it is acknowledged. */
  private Ack command(
      String base, String method, String path, String body, String key, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Reply r = send(base, method, path, body, key);
      if (r.status() / 100 == 2) {
        return ack(r);
      }
      assertThat(r.status()).as("%s %s: %s", method, path, r.body()).isIn(-1, 503, 504);
      assertThat(System.nanoTime())
          .as("%s %s acknowledged in time", method, path)
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static Ack ack(Reply r) {
    return new Ack(
        r.json().path("commandId").asText(),
        r.json().path("key").asText(),
        r.json().path("version").asLong());
  }

  private Reply send(String base, String method, String path, String body, String key) {
    return call(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + TOKEN)
            .header("Idempotency-Key", key)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private Reply get(String url) {
    return call(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + TOKEN)
            .build());
  }

  private Reply call(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      try {
        json = Json.mapper().readTree(response.body());
      } catch (IOException e) {
        // not JSON: left null, the status tells
      }
      return new Reply(response.statusCode(), json, response.body(), response.headers());
    } catch (IOException e) {
      return Reply.NONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reply.NONE;
    }
  }
}
