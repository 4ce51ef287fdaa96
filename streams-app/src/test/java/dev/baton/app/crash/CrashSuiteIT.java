package dev.baton.app.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.broker.HangingTransactions;
import dev.baton.app.broker.TransactionDecisions;
import dev.baton.app.cli.SinkCommand;
import dev.baton.app.config.KafkaAccess;
import dev.baton.app.crash.CommandRecord.Answer;
import dev.baton.app.crash.CommandRecord.Kind;
import dev.baton.app.crash.CrashInvariantChecker.Report;
import dev.baton.app.sink.projection.verify.Verifier;
import dev.baton.app.testing.ChildNodes;
import dev.baton.app.testing.ChildNodes.Child;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process-level crash suite (docs/reliability.md, "Crash suite"): real processes on loopback
 * ports, a workload of independent HTTP clients that records every command and every answer, and
 * {@code SIGKILL}/{@code SIGSTOP} at random moments, then {@link CrashInvariantChecker} over the
 * recorded history, {@code baton.events} (committed and aborted), the audit trail, the projection
 * and the checkpoints.
 *
 * <ul>
 *   <li>{@link #shouldKeepEveryInvariantWhenTheAllInOneNodeIsKilledUnderLoad}: {@code baton up}
 *       (embedded broker, node, both sinks in one process) killed with {@code kill -9} under load
 *       and started again on its data directory;
 *   <li>{@link #shouldKeepEveryInvariantWhenTheBrokerSinkHolderAndNodeFailApart}: a broker process,
 *       {@code baton serve} (tokens on) and {@code baton sink} apart; in a random order per
 *       iteration: the broker killed and restarted on its data, the sink killed during writes,
 *       segment rotations and checkpoints and restarted, a lock holder frozen past its lease (its
 *       later fenced writes must be rejected), the node frozen past its transaction timeout.
 * </ul>
 *
 * <p>Each test runs 1 iteration by default and 50 with {@code -Dsoak} ({@code -Dcrash.iterations=N}
 * sets it). The seed is printed; {@code -Dcrash.seed=S} replays the same choices (the moments of
 * the faults and the workload's commands; the processes' own timing still varies). Recovery times
 * are printed (p50/p95/max), never asserted.
 */
class CrashSuiteIT {
  private static final boolean SOAK = System.getProperty("soak") != null;

  private static final int ITERATIONS = Integer.getInteger("crash.iterations", SOAK ? 50 : 1);
  private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
  private static final int CLIENTS = Integer.getInteger("crash.clients", 6);
  private static final String WS = "crash";
  private static final Duration PATIENCE = Duration.ofSeconds(45);
  private static final Duration BOUND = Duration.ofSeconds(180);
  private static final String ADMIN = "crash-admin-token-0123456789abcdef";

  @TempDir Path dir;

  private final ChildNodes children = new ChildNodes();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, List<Double>> recovery = new TreeMap<>();
  private final List<CommandRecord> extraHistory = Collections.synchronizedList(new ArrayList<>());
  private final List<Evidence.Outage> outages = new ArrayList<>();
  private final List<String> hungRestarts = new ArrayList<>();
  private Random random;
  private long seed;

  private String testName;

  /** The broker the stalls are diagnosed against, once known. */
  private String bootstrap;

  /**
   * Stops every child, then keeps their logs in {@code target/crash-suite/<test>/} (the temporary
   * directory goes): a failure's full logs, beyond the tail an assertion message shows.
   */
  @AfterEach
  void stop() throws InterruptedException, IOException {
    children.close();
    Path keep = Path.of("target", "crash-suite", testName);
    Files.createDirectories(keep);
    try (Stream<Path> logs = Files.list(dir)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        Files.copy(log, keep.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private void seed(TestInfo info) {
    testName = info.getTestMethod().orElseThrow().getName();
    seed = SEED ^ testName.hashCode();
    random = new Random(seed);
    System.out.printf(
        "crash suite %s: seed %d (replay with -Dcrash.seed=%d), %d iteration(s), %d clients%n",
        info.getTestMethod().orElseThrow().getName(), seed, SEED, ITERATIONS, CLIENTS);
  }

  /**
   * {@code baton up} killed under load and restarted on its data. A restart can meet a hanging
   * transaction (Kafka's KAFKA-20734; docs/reliability.md), which the node completes as its
   * coordinator decided; the invariants are what caught the earlier, unsafe automatic abort.
   */
  @Test
  void shouldKeepEveryInvariantWhenTheAllInOneNodeIsKilledUnderLoad(TestInfo info)
      throws Exception {
    seed(info);
    Path data = dir.resolve("up");
    int httpPort = ChildNodes.freePort();
    int brokerPort = ChildNodes.freePort();
    bootstrap = "127.0.0.1:" + brokerPort;
    String base = "http://127.0.0.1:" + httpPort;
    Child node = startUp(data, httpPort, brokerPort, 0);
    awaitHealthy(base, List.of(node));
    List<Workload.Client> clients = clients(null);
    List<String> shared = createShared(base, clients.get(0));
    Workload workload = Workload.start(base, WS, clients, shared, PATIENCE, seed);
    try {
      for (int i = 1; i <= ITERATIONS; i++) {
        awaitMoreAcknowledged(workload, 5, List.of(node));
        Thread.sleep(random.nextInt(2_000)); // a random moment under load, not a synchronisation
        node.kill();
        long killed = System.currentTimeMillis();
        node = startUp(data, httpPort, brokerPort, i);
        long launched = System.nanoTime();
        try {
          awaitHealthy(base, List.of(node));
        } catch (AssertionError hung) {
          // A restart that never becomes healthy: counted (the test fails for it at the end),
          // killed and started once more, so the rest of the history is still judged.
          hungRestarts.add("launch " + i + " (log up-" + i + ".log)");
          System.out.printf(
              "  launch %d: no health 200 within %s; killed and started again%n", i, BOUND);
          node.kill();
          node = startUp(data, httpPort, brokerPort, i * 1000);
          launched = System.nanoTime();
          awaitHealthy(base, List.of(node));
        }
        outages.add(new Evidence.Outage("up killed", killed, System.currentTimeMillis()));
        record("up kill -9: launch -> health 200", (System.nanoTime() - launched) / 1e9);
        awaitAcknowledgedAfter(workload, killed, List.of(node));
        record(
            "up kill -9: kill -> first acknowledged command",
            (workload.lastAcknowledgedAtMillis() - killed) / 1e3);
      }
    } finally {
      workload.close();
    }
    awaitLocksFree(base, shared, null, List.of(node));
    List<String> differences =
        verify(
            "127.0.0.1:" + brokerPort,
            "jdbc:sqlite:" + data.resolve("baton.db"),
            data.resolve("export"),
            base,
            EnumSet.allOf(Verifier.Check.class));
    judge(workload.history(), "127.0.0.1:" + brokerPort, data.resolve("export"), differences);
    assertThat(hungRestarts)
        .as("restarts that never answered health 200 (seed %d)", seed)
        .isEmpty();
  }

  @Test
  void shouldKeepEveryInvariantWhenTheBrokerSinkHolderAndNodeFailApart(TestInfo info)
      throws Exception {
    seed(info);
    Split s = new Split();
    s.brokerDir = dir.resolve("broker");
    s.nodeDir = dir.resolve("node");
    s.sinkDir = dir.resolve("sink");
    s.brokerPort = ChildNodes.freePort();
    bootstrap = "127.0.0.1:" + s.brokerPort;
    s.httpPort = ChildNodes.freePort();
    s.base = "http://127.0.0.1:" + s.httpPort;
    s.broker = startBroker(s, 0);
    s.node = startServe(s);
    awaitHealthy(s.base, List.of(s.broker, s.node));
    s.sink = startSink(s, 0);
    List<Workload.Client> clients = clients(s.base);
    s.contender = new Workload.Client("contender", token(s.base, "contender"));
    s.holderToken = token(s.base, "holder");
    List<String> shared = createShared(s.base, clients.get(0));
    Workload workload = Workload.start(s.base, WS, clients, shared, PATIENCE, seed);
    s.solo = Workload.start(s.base, WS, List.of(), List.of("unused"), PATIENCE, seed + 1);
    try {
      for (int i = 1; i <= ITERATIONS; i++) {
        List<String> faults = new ArrayList<>(List.of("broker", "sink", "holder", "node"));
        Collections.shuffle(faults, random);
        System.out.printf("iteration %d: %s%n", i, faults);
        for (String fault : faults) {
          switch (fault) {
            case "broker" -> killBroker(s, workload, i);
            case "sink" -> killSink(s, workload, i);
            case "holder" -> freezeHolder(s, i);
            default -> freezeNode(s, workload);
          }
        }
      }
    } finally {
      workload.close();
      s.solo.close();
    }
    awaitLocksFree(s.base, shared, clients.get(0).token(), s.living());
    List<CommandRecord> history = new ArrayList<>(workload.history());
    history.addAll(s.solo.history());
    history.addAll(extraHistory);
    List<String> differences =
        verify(
            s.bootstrap(),
            "jdbc:sqlite:" + s.sinkDir.resolve("baton.db"),
            s.sinkDir.resolve("export"),
            s.base,
            EnumSet.of(Verifier.Check.PROJECTION, Verifier.Check.AUDIT, Verifier.Check.CHECKPOINT));
    Report report = judge(history, s.bootstrap(), s.sinkDir.resolve("export"), differences);
    assertThat(report.fencedRejections())
        .as("every frozen holder's write after its lease was rejected FENCED")
        .isGreaterThanOrEqualTo(ITERATIONS);
    try (Stream<Path> segments = Files.walk(s.sinkDir.resolve("export/audit"))) {
      System.out.printf(
          "audit segments: %d, checkpoint files: %d%n",
          segments.filter(p -> p.toString().contains(".jsonl")).count(),
          countFiles(s.sinkDir.resolve("export/checkpoints")));
    }
  }

  /** The split system's processes and places. */
  private static final class Split {
    Path brokerDir;
    Path nodeDir;
    Path sinkDir;
    int brokerPort;
    int httpPort;
    String base;
    Child broker;
    Child node;
    Child sink;
    Workload.Client contender;
    String holderToken;
    Workload solo;

    String bootstrap() {
      return "127.0.0.1:" + brokerPort;
    }

    List<Child> living() {
      return List.of(broker, node, sink);
    }
  }

  /** {@code kill -9} of the broker under load; started again on the same data after a while. */
  private void killBroker(Split s, Workload workload, int i) throws Exception {
    awaitMoreAcknowledged(workload, 5, s.living());
    Thread.sleep(random.nextInt(1_500));
    s.broker.kill();
    long killed = System.currentTimeMillis();
    Thread.sleep(random.nextInt(2_000)); // the broker stays down for a random while
    long restarted = System.currentTimeMillis();
    s.broker = startBroker(s, i);
    awaitHealthy(s.base, s.living());
    awaitAcknowledgedAfter(workload, restarted, s.living());
    // Until commands are processed again, not until health 200: the node's health follows its
    // topology's state, which stays RUNNING while the broker is away, and after the restart the
    // group coordinator's reload can hold the topology in REBALANCING for tens of seconds
    // (docs/reliability.md). Deadlines that came due meanwhile are handled when it runs again.
    outages.add(new Evidence.Outage("broker killed", killed, System.currentTimeMillis()));
    record(
        "broker kill -9: broker launch -> first acknowledged command",
        (workload.lastAcknowledgedAtMillis() - restarted) / 1e3);
  }

  /** {@code kill -9} of the sink while it writes, rotates segments and takes checkpoints. */
  private void killSink(Split s, Workload workload, int i) throws Exception {
    awaitMoreAcknowledged(workload, 5, s.living());
    Thread.sleep(random.nextInt(2_000));
    s.sink.kill();
    long launched = System.nanoTime();
    s.sink = startSink(s, i);
    record("sink kill -9: launch -> running", (System.nanoTime() - launched) / 1e9);
  }

  /**
   * A holder frozen with {@code SIGSTOP} past its lease: another agent is granted the lock, and
   * once thawed, the holder's next fenced write is rejected.
   */
  private void freezeHolder(Split s, int i) throws Exception {
    String task = "held-" + i;
    CommandRecord create =
        s.solo.send(
            s.contender,
            random,
            Kind.CREATE,
            task,
            0,
            "POST",
            "/v1/tasks/" + WS,
            Map.of("id", task, "title", "held " + i));
    assertThat(create.acknowledged()).as("create %s: %s", task, create).isNotNull();
    Child holder =
        children.startMain(
            "holder-" + i,
            dir.resolve("holder-" + i + ".log"),
            Map.of(),
            LockHolderMain.class,
            s.base,
            WS,
            task,
            "holder",
            s.holderToken,
            String.valueOf(seed + i));
    List<Child> mustLive = Stream.concat(s.living().stream(), Stream.of(holder)).toList();
    children.await(
        "the holder holds " + task + " and has written under its fence",
        BOUND,
        mustLive,
        () -> RecordLine.parse(holder.output()).size() >= 2);
    long token = RecordLine.parse(holder.output()).get(0).acknowledged().token();
    holder.signal("STOP");
    long stopped = System.nanoTime();
    CommandRecord grab =
        s.solo.send(
            s.contender,
            random,
            Kind.ACQUIRE,
            task,
            0,
            "POST",
            "/v1/locks/" + WS + "/acquire",
            Map.of(
                "resource",
                "task/" + task,
                "mode",
                "EXCLUSIVE",
                "leaseMs",
                60_000,
                "waitMs",
                60_000));
    Answer granted = grab.acknowledged();
    assertThat(granted).as("the contender is granted %s: %s", task, grab).isNotNull();
    assertThat(granted.token()).isGreaterThan(token);
    record("holder SIGSTOP: stop -> next holder granted", (System.nanoTime() - stopped) / 1e9);
    holder.signal("CONT");
    assertThat(holder.process().waitFor(120, TimeUnit.SECONDS))
        .as("the thawed holder stops at its rejected write:%n%s", holder.output())
        .isTrue();
    List<CommandRecord> writes = RecordLine.parse(holder.output());
    extraHistory.addAll(writes);
    assertThat(holder.process().exitValue()).as(holder.output()).isZero();
    Answer last = writes.get(writes.size() - 1).firstOutcome();
    assertThat(last.code()).as("the thawed holder's write: %s", last).isEqualTo("FENCED");
    CommandRecord release =
        s.solo.send(
            s.contender,
            random,
            Kind.RELEASE,
            task,
            0,
            "POST",
            "/v1/locks/" + WS + "/release",
            Map.of("resource", "task/" + task));
    assertThat(release.acknowledged()).as("release: %s", release).isNotNull();
  }

  /** The node frozen with {@code SIGSTOP} past its transaction timeout (10 s), under load. */
  private void freezeNode(Split s, Workload workload) throws Exception {
    awaitMoreAcknowledged(workload, 5, s.living());
    Thread.sleep(random.nextInt(1_500));
    s.node.signal("STOP");
    long stopped = System.currentTimeMillis();
    Thread.sleep(12_000 + random.nextInt(3_000)); // the freeze itself: past the 10 s timeout
    s.node.signal("CONT");
    long thawed = System.currentTimeMillis();
    awaitHealthy(s.base, s.living());
    awaitAcknowledgedAfter(workload, thawed, s.living());
    // As for the broker: until commands are processed again (a thawed node rejoins its group).
    outages.add(new Evidence.Outage("node frozen", stopped, System.currentTimeMillis()));
    record(
        "node SIGSTOP past the transaction timeout: SIGCONT -> first acknowledged command",
        (workload.lastAcknowledgedAtMillis() - thawed) / 1e3);
  }

  private Report judge(
      List<CommandRecord> history, String bootstrap, Path exportDir, List<String> differences) {
    Evidence evidence =
        Evidence.gather(
            history,
            bootstrap,
            "baton.events",
            exportDir,
            differences,
            outages,
            Duration.ofSeconds(60));
    // Leases are checked with one punctuation interval of tolerance, as in every other history
    // check, except for leases that ended during an outage (see CrashInvariantChecker).
    Report report = new CrashInvariantChecker(Duration.ofMillis(200)).check(evidence);
    System.out.println("crash suite: " + report.summary());
    recovery.forEach((what, times) -> System.out.printf("  %s: %s%n", what, percentiles(times)));
    assertThat(report.ok()).as("seed %d: %s", seed, report).isTrue();
    assertThat(report.acknowledged()).isGreaterThan(ITERATIONS * 5);
    return report;
  }

  private List<String> verify(
      String bootstrap, String jdbcUrl, Path exportDir, String server, Set<Verifier.Check> checks)
      throws Exception {
    Verifier.Report report =
        new Verifier(
                new Verifier.Settings(
                    KafkaAccess.plain(bootstrap),
                    "baton.events",
                    jdbcUrl,
                    exportDir,
                    server,
                    checks,
                    Duration.ofSeconds(90),
                    Duration.ofSeconds(60),
                    false),
                line -> {})
            .run();
    report.notes().forEach(n -> System.out.println("verify: checked " + n));
    return report.differences();
  }

  private Child startUp(Path data, int httpPort, int brokerPort, int run) throws IOException {
    return children.startUp(
        "up-" + run,
        dir.resolve("up-" + run + ".log"),
        sinkTuning(),
        "--data-dir",
        data.toString(),
        "--http-port",
        String.valueOf(httpPort),
        "--broker-port",
        String.valueOf(brokerPort));
  }

  private Child startBroker(Split s, int run) throws Exception {
    Child broker =
        children.startMain(
            "broker-" + run,
            dir.resolve("broker-" + run + ".log"),
            Map.of(),
            CrashBrokerMain.class,
            s.brokerDir.toString(),
            String.valueOf(s.brokerPort));
    children.await(
        "the broker answers",
        BOUND,
        List.of(broker),
        () -> broker.output().contains(CrashBrokerMain.READY));
    return broker;
  }

  private Child startServe(Split s) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("BATON_BOOTSTRAP_SERVERS", s.bootstrap());
    env.put("BATON_DATA_DIR", s.nodeDir.toString());
    env.put("BATON_HTTP_PORT", String.valueOf(s.httpPort));
    env.put("BATON_APPLICATION_SERVER", "127.0.0.1:" + s.httpPort);
    env.put("BATON_AUTH_ADMIN_TOKEN", ADMIN);
    return children.start("serve", dir.resolve("serve.log"), env, "serve");
  }

  private Child startSink(Split s, int run) throws Exception {
    Map<String, String> env = new HashMap<>(sinkTuning());
    env.put("BATON_BOOTSTRAP_SERVERS", s.bootstrap());
    env.put("BATON_DATA_DIR", s.sinkDir.toString());
    Child sink = children.start("sink-" + run, dir.resolve("sink-" + run + ".log"), env, "sink");
    children.await(
        "the sink runs",
        BOUND,
        List.of(s.broker, s.node, sink),
        () -> sink.output().contains(SinkCommand.READY_LINE));
    s.sink = sink;
    return sink;
  }

  /**
   * Small segments and frequent checkpoints, so that kills land during rotations and checkpoints.
   */
  private static Map<String, String> sinkTuning() {
    return Map.of(
        "BATON_AUDIT_SEGMENT_MAX_LINES", "40",
        "BATON_CHECKPOINT_INTERVAL_MS", "1500",
        "BATON_CHECKPOINT_FULL_EVERY", "3");
  }

  private List<Workload.Client> clients(String base) throws Exception {
    List<Workload.Client> out = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      String agent = "c" + i;
      out.add(new Workload.Client(agent, base == null ? null : token(base, agent)));
    }
    return out;
  }

  /** A token of {@code agent} for the workspace, made with the admin token. */
  private String token(String base, String agent) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/tokens"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"agent\":\"" + agent + "\",\"workspaces\":[\"" + WS + "\"]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("token for %s: %s", agent, r.body()).isEqualTo(201);
    return Json.mapper().readTree(r.body()).path("token").asText();
  }

  /** Four tasks every client updates and locks. */
  private List<String> createShared(String base, Workload.Client client) throws Exception {
    Workload creator = Workload.start(base, WS, List.of(), List.of("unused"), PATIENCE, seed);
    List<String> ids = List.of("s0", "s1", "s2", "s3");
    for (String id : ids) {
      CommandRecord r =
          creator.send(
              client,
              random,
              Kind.CREATE,
              id,
              0,
              "POST",
              "/v1/tasks/" + WS,
              Map.of("id", id, "title", "shared " + id));
      assertThat(r.acknowledged()).as("create %s: %s", id, r).isNotNull();
      extraHistory.add(r);
    }
    creator.close();
    return ids;
  }

  private void awaitHealthy(String base, List<Child> mustLive) throws InterruptedException {
    try {
      children.await(
          "health 200", BOUND, mustLive, () -> ChildNodes.status(http, base + "/v1/health") == 200);
    } catch (AssertionError stalled) {
      printOpenTransactions();
      dumpThreads(mustLive);
      throw stalled;
    }
  }

  private void awaitMoreAcknowledged(Workload w, int more, List<Child> mustLive)
      throws InterruptedException {
    long target = w.acknowledged() + more;
    try {
      children.await(
          more + " more acknowledged commands", BOUND, mustLive, () -> w.acknowledged() >= target);
    } catch (AssertionError stalled) {
      printOpenTransactions();
      dumpThreads(mustLive);
      throw stalled;
    }
  }

  private void awaitAcknowledgedAfter(Workload w, long millis, List<Child> mustLive)
      throws InterruptedException {
    try {
      children.await(
          "a command acknowledged after the fault",
          BOUND,
          mustLive,
          () -> w.lastAcknowledgedAtMillis() > millis);
    } catch (AssertionError stalled) {
      printOpenTransactions();
      dumpThreads(mustLive);
      throw stalled;
    }
  }

  /**
   * When commands stop being acknowledged: each live child's threads, printed by its JVM into its
   * log ({@code kill -QUIT}), to see where a stream thread waits.
   */
  private static void dumpThreads(List<Child> children) {
    for (Child c : children) {
      try {
        c.signal("QUIT");
      } catch (IOException | AssertionError e) {
        System.out.println("  could not dump the threads of " + c.name() + ": " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * When commands stop being acknowledged: every transaction the broker's partitions hold open that
   * no coordinator tracks, with the decision its coordinator's log shows, so a stall can be told
   * from a hanging transaction (KAFKA-20734) in the test's output.
   */
  private void printOpenTransactions() {
    if (bootstrap == null) {
      return;
    }
    Map<String, Object> settings = Map.of("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(settings)) {
      List<HangingTransactions.OpenTransaction> hanging =
          HangingTransactions.find(
              admin, HangingTransactions.Scope.everything(), Duration.ZERO, Duration.ofSeconds(10));
      List<TransactionDecisions.Entry> log =
          TransactionDecisions.read(settings, Duration.ofSeconds(30));
      System.out.printf("  stalled: %d transaction(s) open and untracked%n", hanging.size());
      for (HangingTransactions.OpenTransaction t : hanging) {
        System.out.printf(
            "    %s; its coordinator decided: %s%n",
            t,
            TransactionDecisions.decisionFor(t, log)
                .map(d -> d.commit() ? "COMMIT" : "ABORT")
                .orElse("not in its log"));
      }
    } catch (Exception e) {
      System.out.println("  stalled; could not look for open transactions: " + e);
    }
    printTransactions(settings);
    printGroups(settings);
  }

  /**
   * When commands stop being acknowledged: every transaction its coordinator lists (state,
   * producer, partitions) and every transaction a partition's leader holds open, tracked or not, to
   * tell a stall behind a transaction the coordinators still work on from one behind a group
   * coordinator's own state.
   */
  private static void printTransactions(Map<String, Object> settings) {
    try (Admin admin = Admin.create(settings)) {
      List<String> ids =
          admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
              .map(TransactionListing::transactionalId)
              .toList();
      if (!ids.isEmpty()) {
        admin
            .describeTransactions(ids)
            .all()
            .get(10, TimeUnit.SECONDS)
            .forEach(
                (id, d) ->
                    System.out.printf(
                        "  transaction %s: %s, producer %d epoch %d, partitions %s%n",
                        id, d.state(), d.producerId(), d.producerEpoch(), d.topicPartitions()));
      }
      List<TopicPartition> partitions = new ArrayList<>();
      admin
          .describeTopics(
              admin
                  .listTopics(new ListTopicsOptions().listInternal(true))
                  .names()
                  .get(10, TimeUnit.SECONDS))
          .allTopicNames()
          .get(10, TimeUnit.SECONDS)
          .values()
          .forEach(
              t ->
                  t.partitions()
                      .forEach(p -> partitions.add(new TopicPartition(t.name(), p.partition()))));
      admin
          .describeProducers(partitions)
          .all()
          .get(10, TimeUnit.SECONDS)
          .forEach(
              (tp, state) ->
                  state.activeProducers().stream()
                      .filter(p -> p.currentTransactionStartOffset().isPresent())
                      .forEach(p -> System.out.printf("  open on %s: %s%n", tp, p)));
    } catch (Exception e) {
      System.out.println("  could not describe the transactions: " + e);
    }
  }

  /**
   * When commands stop being acknowledged: every consumer group's state and members (instance id,
   * member id, assignment), to see what a stream thread's join waits for.
   */
  private static void printGroups(Map<String, Object> settings) {
    try (Admin admin = Admin.create(settings)) {
      List<String> groups =
          admin.listGroups().all().get(10, TimeUnit.SECONDS).stream()
              .map(g -> g.groupId())
              .sorted()
              .toList();
      admin
          .describeConsumerGroups(groups)
          .all()
          .get(10, TimeUnit.SECONDS)
          .forEach(
              (id, group) -> {
                System.out.printf(
                    "  group %s: %s, coordinator %s, %d member(s)%n",
                    id, group.groupState(), group.coordinator(), group.members().size());
                group
                    .members()
                    .forEach(
                        m ->
                            System.out.printf(
                                "    %s %s %s%n",
                                m.groupInstanceId().orElse("(dynamic)"),
                                m.consumerId(),
                                m.assignment().topicPartitions()));
              });
    } catch (Exception e) {
      System.out.println("  stalled; could not describe the groups: " + e);
    }
  }

  /**
   * Waits until nobody holds or waits for the shared locks (the leases of clients that stopped run
   * out), so the views are compared on a quiet system.
   */
  private void awaitLocksFree(String base, List<String> shared, String token, List<Child> mustLive)
      throws InterruptedException {
    children.await(
        "the shared locks are free",
        BOUND,
        mustLive,
        () -> shared.stream().allMatch(id -> lockFree(base, "task/" + id, token)));
  }

  private boolean lockFree(String base, String resource, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    base
                        + "/v1/locks/"
                        + WS
                        + "?resource="
                        + URLEncoder.encode(resource, StandardCharsets.UTF_8)))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 404) {
        return true;
      }
      JsonNode lock = Json.mapper().readTree(r.body());
      return r.statusCode() == 200
          && lock.path("holders").isEmpty()
          && lock.path("queue").isEmpty();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void record(String what, double seconds) {
    recovery.computeIfAbsent(what, k -> new ArrayList<>()).add(seconds);
    System.out.printf("  %s: %.1f s%n", what, seconds);
  }

  private static String percentiles(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return String.format(
        "n=%d p50 %.1f p95 %.1f max %.1f s",
        sorted.size(), rank(sorted, 50), rank(sorted, 95), sorted.get(sorted.size() - 1));
  }

  /** Nearest-rank percentile. */
  private static double rank(List<Double> sorted, int p) {
    int r = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, r - 1));
  }

  private static long countFiles(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).count();
    }
  }
}
