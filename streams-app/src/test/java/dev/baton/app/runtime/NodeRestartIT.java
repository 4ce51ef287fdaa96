package dev.baton.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.Main;
import dev.baton.app.testing.ChildNodes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton up} as a child process, killed with {@code kill -9} under a stream of task creations
 * and started again on the same data directory, then stopped gracefully and started again. After
 * every restart the node must answer {@code /v1/health} 200, accept a command, and still hold every
 * task whose creation it acknowledged. The times from each launch to health 200 and to the first
 * accepted command are printed (p50/p95/max) but never asserted: the numbers and how to reproduce
 * them are in docs/reliability.md.
 *
 * <p>By default 2 kills and 1 graceful restart; {@code -Dsoak} makes it 20 and 5 ({@code
 * -Drestart.kills=N} and {@code -Drestart.graceful=N} set them). Each launch also prints where its
 * time went (the node logs every part's start). {@code -Drestart.cds} runs the node as the launcher
 * runs {@code baton up} (the packaged jar, a class-data-sharing archive, the launcher's options for
 * {@code up}), {@code -Drestart.jvmOptions="..."} with other JVM options.
 */
class NodeRestartIT {
  private static final Duration BOUND = Duration.ofSeconds(180);
  private static final String WORKSPACE = "restart";

  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private Process node;
  private Path cdsArchive;

  @AfterEach
  void stop() throws InterruptedException {
    if (node != null) {
      node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldServeAgainWithEveryAcknowledgedTaskAfterKillAndAfterGracefulRestart()
      throws Exception {
    boolean soak = System.getProperty("soak") != null;
    int kills = Integer.getInteger("restart.kills", soak ? 20 : 2);
    int graceful = Integer.getInteger("restart.graceful", soak ? 5 : 1);
    if (System.getProperty("restart.cds") != null) {
      recordCdsArchive();
    }
    Path data = dir.resolve("data");
    int httpPort = freePort();
    int brokerPort = freePort();

    Launch first = launch(data, httpPort, brokerPort, 0);
    List<Launch> afterKill = new ArrayList<>();
    List<Launch> afterStop = new ArrayList<>();
    for (int i = 1; i <= kills; i++) {
      try (Writer writer = Writer.start(this, httpPort, "k" + i)) {
        writer.awaitAcknowledged(5);
        node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      afterKill.add(launch(data, httpPort, brokerPort, i));
      assertEveryAcknowledgedTaskPresent(httpPort);
    }
    for (int i = 1; i <= graceful; i++) {
      createTask(httpPort, "g" + i);
      node.destroy();
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("graceful stop within 60 s").isTrue();
      assertThat(Files.readString(dir.resolve("node-" + (kills + i - 1) + ".log")))
          .as("log of a graceful stop")
          .contains("Baton stopped");
      assertThat(NodeEndpoints.fileOf(data)).as("endpoints file after a clean stop").doesNotExist();
      afterStop.add(launch(data, httpPort, brokerPort, kills + i));
      assertEveryAcknowledgedTaskPresent(httpPort);
    }

    assertFileVerbsFindTheNode(data);
    System.out.printf(
        "restart of baton up, %s%n  first start: health %.1f s, first command %.1f s%n"
            + "  after kill -9 (n=%d): %s%n  after graceful stop (n=%d): %s%n",
        Files.readString(data.resolve(NodeIdentity.FILE)).lines().skip(1).findFirst().orElse(""),
        first.healthSeconds(),
        first.commandSeconds(),
        afterKill.size(),
        Launch.summary(afterKill),
        afterStop.size(),
        Launch.summary(afterStop));
    printHangingTransactionRepairs();
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(kills * 5 + graceful);
  }

  /**
   * The nodes' lines about hanging transactions (KAFKA-20734), to see how often a start met one.
   */
  private void printHangingTransactionRepairs() throws IOException {
    try (var logs = Files.list(dir)) {
      for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("node-")).toList()) {
        Files.readAllLines(log).stream()
            .filter(l -> l.contains("hanging transaction") || l.contains("a transaction hangs"))
            .forEach(l -> System.out.println(log.getFileName() + ": " + l));
      }
    }
  }

  /**
   * The data-directory verbs, given only {@code --data-dir}, reach the node through its endpoints
   * file (its broker is on a port they could not guess).
   */
  private void assertFileVerbsFindTheNode(Path data) throws Exception {
    String verify = runCli(dir.resolve("verify.log"), "verify", "--data-dir", data.toString());
    assertThat(verify)
        .contains("verify: no differences")
        .contains("(from " + NodeEndpoints.fileOf(data));
    // Into a topic of its own: the live events topic already holds every event.
    String republish =
        runCli(
            dir.resolve("republish.log"),
            "audit",
            "republish",
            "--data-dir",
            data.toString(),
            "--topic",
            "restart-copy");
    assertThat(republish)
        .contains("(from " + NodeEndpoints.fileOf(data))
        .containsPattern("republished [1-9][0-9]* events to restart-copy");
  }

  private String runCli(Path log, String... args) throws Exception {
    List<String> command = new ArrayList<>(javaCommand());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
    Process p = pb.start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("baton %s ended", args[0]).isTrue();
    String output = Files.readString(log);
    assertThat(p.exitValue())
        .as("exit status of baton %s:%n%s", String.join(" ", args), output)
        .isZero();
    return output;
  }

  private static List<String> javaCommand() {
    return javaCommand(List.of());
  }

  private static List<String> javaCommand(List<String> jvmOptions) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
    command.addAll(jvmOptions);
    if (System.getProperty("restart.cds") != null) {
      // Class-data sharing takes classes from jars only (the test class path has directories):
      // the jar the package phase built, as the launcher runs it.
      Path jar = Path.of("target", "baton.jar").toAbsolutePath();
      assertThat(jar).as("the packaged jar (-Drestart.cds runs in verify)").isRegularFile();
      command.addAll(List.of("-jar", jar.toString()));
    } else {
      String classpath =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      command.addAll(List.of("-cp", classpath, Main.class.getName()));
    }
    return command;
  }

  /**
   * JVM options of the node. With {@code -Drestart.cds}, what the launcher gives {@code baton up}:
   * a class-data-sharing archive recorded by a first start and clean stop, and the options file
   * {@code src/main/launcher/up.options}. Then {@code -Drestart.jvmOptions="..."}
   * (space-separated), which come last and win, as {@code BATON_JAVA_OPTS} do in the launcher.
   */
  private List<String> nodeJvmOptions() {
    List<String> options = new ArrayList<>();
    if (cdsArchive != null) {
      options.addAll(
          List.of(
              "-XX:SharedArchiveFile=" + cdsArchive,
              "-Xshare:auto",
              "-Xlog:cds=off",
              "-Xlog:cds+dynamic=off"));
      options.addAll(ChildNodes.launcherUpOptions());
    }
    String extra = System.getProperty("restart.jvmOptions", "").trim();
    if (!extra.isEmpty()) {
      options.addAll(List.of(extra.split("\\s+")));
    }
    return options;
  }

  /** Starts a node on a data dir of its own and stops it cleanly, recording the archive. */
  private void recordCdsArchive() throws Exception {
    Path archive = dir.resolve("node.jsa");
    int httpPort = freePort();
    List<String> options =
        new ArrayList<>(
            List.of(
                "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
    options.addAll(ChildNodes.launcherUpOptions());
    List<String> command = new ArrayList<>(javaCommand(options));
    command.addAll(
        List.of(
            "up",
            "--data-dir",
            dir.resolve("cds-data").toString(),
            "--http-port",
            String.valueOf(httpPort),
            "--broker-port",
            String.valueOf(freePort())));
    Path log = dir.resolve("node-cds.log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
    node = pb.start();
    awaitTrue("health 200", log, () -> status(get(httpPort, "/v1/health")) == 200);
    awaitTrue("a task created", log, () -> createTask(httpPort, "cds") == 201);
    node.destroy();
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("clean stop of the CDS run").isTrue();
    assertThat(archive)
        .as("class-data-sharing archive; log of its run:%n%s", tail(log))
        .isNotEmptyFile();
    acknowledged.clear();
    cdsArchive = archive;
  }

  /** Times from a launch to health 200 and to the first accepted command. */
  record Launch(double healthSeconds, double commandSeconds) {
    static String summary(List<Launch> launches) {
      if (launches.isEmpty()) {
        return "none";
      }
      return String.format(
          "health p50 %.1f p95 %.1f max %.1f s; first command p50 %.1f p95 %.1f max %.1f s",
          percentile(launches.stream().map(Launch::healthSeconds).toList(), 50),
          percentile(launches.stream().map(Launch::healthSeconds).toList(), 95),
          percentile(launches.stream().map(Launch::healthSeconds).toList(), 100),
          percentile(launches.stream().map(Launch::commandSeconds).toList(), 50),
          percentile(launches.stream().map(Launch::commandSeconds).toList(), 95),
          percentile(launches.stream().map(Launch::commandSeconds).toList(), 100));
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Double> values, int p) {
      List<Double> sorted = values.stream().sorted().toList();
      int rank = (int) Math.ceil(p / 100.0 * sorted.size());
      return sorted.get(Math.max(0, rank - 1));
    }
  }

  private Launch launch(Path data, int httpPort, int brokerPort, int run) throws Exception {
    Path log = dir.resolve("node-" + run + ".log");
    long start = System.nanoTime();
    node = startNode(log, data, httpPort, brokerPort);
    awaitTrue("health 200", log, () -> status(get(httpPort, "/v1/health")) == 200);
    long healthy = System.nanoTime();
    awaitTrue("a task created", log, () -> createTask(httpPort, "probe-" + run) == 201);
    long served = System.nanoTime();
    Launch launch = new Launch((healthy - start) / 1e9, (served - start) / 1e9);
    System.out.printf(
        "launch %d: health %.1f s, first command %.1f s; %s%n",
        run, launch.healthSeconds(), launch.commandSeconds(), phases(log));
    return launch;
  }

  private Process startNode(Path log, Path data, int httpPort, int brokerPort) throws IOException {
    List<String> command = new ArrayList<>(javaCommand(nodeJvmOptions()));
    command.addAll(
        List.of(
            "up",
            "--data-dir",
            data.toString(),
            "--http-port",
            String.valueOf(httpPort),
            "--broker-port",
            String.valueOf(brokerPort)));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
    return pb.start();
  }

  private static final Pattern PART_STARTED =
      Pattern.compile("started (.+?) in (\\d+) ms \\((\\d+) ms since the JVM started\\)");
  private static final Pattern TOPOLOGY_RUNNING =
      Pattern.compile("-> RUNNING (\\d+) ms after the topology started \\((\\d+) ms since");

  /**
   * Where the launch spent its time, from the node's log: each part's start in ms, and when (since
   * the JVM started) the broker was ready and the topology ran.
   */
  private static String phases(Path log) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      Matcher part = PART_STARTED.matcher(line);
      if (part.find()) {
        out.add(part.group(1).replaceFirst("^the ", "") + " " + part.group(2));
        if (part.group(1).contains("broker")) {
          out.add("(broker ready at " + part.group(3) + ")");
        }
      }
      Matcher running = TOPOLOGY_RUNNING.matcher(line);
      if (running.find()) {
        out.add("(RUNNING " + running.group(1) + " after its start, at " + running.group(2) + ")");
      }
    }
    return "ms: " + String.join(", ", out);
  }

  private void assertEveryAcknowledgedTaskPresent(int httpPort) {
    acknowledged.forEach(
        (id, title) -> {
          HttpResponse<String> task = get(httpPort, "/v1/tasks/" + WORKSPACE + "/" + id);
          assertThat(status(task)).as("acknowledged task %s after the restart", id).isEqualTo(200);
          assertThat(task.body()).contains("\"title\":\"" + title + "\"");
        });
  }

  /** Creates a task; records it when the node acknowledged it (201). */
  private int createTask(int httpPort, String title) {
    String id = title + "-" + System.nanoTime();
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(uri(httpPort, "/v1/tasks/" + WORKSPACE))
                .header("Content-Type", "application/json")
                .header("X-Baton-Agent", "restart-test")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"id\":\"" + id + "\",\"title\":\"" + title + "\"}"))
                .timeout(Duration.ofSeconds(10))
                .build());
    if (status(r) == 201) {
      acknowledged.put(id, title);
    }
    return status(r);
  }

  /** Creates tasks one after another until closed. */
  private static final class Writer implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger created = new AtomicInteger();
    private final Thread thread;

    private Writer(NodeRestartIT test, int httpPort, String prefix) {
      thread =
          new Thread(
              () -> {
                for (int n = 0; running.get(); n++) {
                  if (test.createTask(httpPort, prefix + "-" + n) == 201) {
                    created.incrementAndGet();
                  }
                }
              },
              "task-writer");
    }

    static Writer start(NodeRestartIT test, int httpPort, String prefix) {
      Writer w = new Writer(test, httpPort, prefix);
      w.thread.start();
      return w;
    }

    void awaitAcknowledged(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (created.get() < n) {
        assertThat(System.nanoTime()).as("%d tasks created", n).isLessThan(deadline);
        Thread.sleep(20);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  private HttpResponse<String> get(int httpPort, String path) {
    return send(
        HttpRequest.newBuilder(uri(httpPort, path)).timeout(Duration.ofSeconds(10)).build());
  }

  /** The answer, or null when there was none (refused, reset, timed out). */
  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static int status(HttpResponse<?> r) {
    return r == null ? -1 : r.statusCode();
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private void awaitTrue(String what, Path log, java.util.function.BooleanSupplier condition)
      throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(node.isAlive())
          .as("node exited while waiting for %s:%n%s", what, tail(log))
          .isTrue();
      assertThat(System.nanoTime()).as("waiting for %s:%n%s", what, tail(log)).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
