package dev.baton.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.Main;
import dev.baton.app.testing.KafkaTestCluster;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton serve} and {@code baton sink} as a container runs them: a child process configured
 * by {@code BATON_*} environment variables alone, no options. The environment the test JVM was
 * started with is cleared of {@code BATON_*} variables first.
 */
class NodeEnvironmentIT {
  @TempDir Path dir;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : children) {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void shouldServeWithSettingsFromTheEnvironmentAlone() throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    int port = freePort();
    Path log = dir.resolve("serve.log");
    Map<String, String> env = new HashMap<>(cluster(prefix));
    env.putAll(
        Map.of(
            "BATON_HTTP_PORT",
            String.valueOf(port),
            "BATON_APPLICATION_SERVER",
            "127.0.0.1:" + port,
            "BATON_PARTITIONS",
            "2"));
    start(log, env, "serve");

    HttpClient http = HttpClient.newHttpClient();
    await(
        "GET /v1/health on the port from BATON_HTTP_PORT answers 200",
        log,
        () -> healthStatus(http, port) == 200);
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestCluster.bootstrapServers()))) {
      TopicDescription commands =
          admin
              .describeTopics(List.of(prefix + "baton.commands"))
              .allTopicNames()
              .get()
              .values()
              .iterator()
              .next();
      assertThat(commands.partitions()).hasSize(2);
    }
    assertThat(dir.resolve("data").resolve("streams")).isDirectory();
  }

  @Test
  void shouldRunTheSinkWithSettingsFromTheEnvironmentAlone() throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    KafkaTestCluster.createTopics(2, prefix + "baton.events");
    Path log = dir.resolve("sink.log");
    Map<String, String> env = new HashMap<>(cluster(prefix));
    env.put("BATON_PROJECTION_ENABLED", "false");
    start(log, env, "sink");

    await(
        "the sink is running",
        log,
        () -> read(log).contains(SinkCommand.READY_LINE + ": " + prefix + "baton.events"));
    assertThat(read(log)).contains(dir.resolve("data").resolve("export").toString());
  }

  @Test
  void shouldRefuseToStartOnAMisspeltVariable() throws Exception {
    Path log = dir.resolve("refused.log");
    Process p =
        start(
            log,
            Map.of("BATON_BOOTSTRAP_SERVERS", "127.0.0.1:9", "BATON_HTTP_PROT", "7071"),
            "serve");

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(BatonCli.FAILED);
    assertThat(read(log))
        .contains("unknown Baton environment variable BATON_HTTP_PROT")
        .contains("did you mean BATON_HTTP_PORT?");
  }

  /** The settings every node of a test system shares: the broker, the topics, the data. */
  private Map<String, String> cluster(String prefix) {
    return Map.of(
        "BATON_BOOTSTRAP_SERVERS",
        KafkaTestCluster.bootstrapServers(),
        "BATON_DATA_DIR",
        dir.resolve("data").toString(),
        "BATON_TOPIC_PREFIX",
        prefix,
        "BATON_APPLICATION_ID",
        prefix + "baton");
  }

  private Process start(Path log, Map<String, String> env, String... args) throws IOException {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(List.of(java, "-Xmx256m", "-cp", classpath, Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    children.add(p);
    return p;
  }

  private static int healthStatus(HttpClient http, int port) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/health"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private void await(String what, Path log, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      for (Process p : children) {
        assertThat(p.isAlive())
            .as("child exited while waiting until %s:%n%s", what, read(log))
            .isTrue();
      }
      assertThat(System.nanoTime())
          .as("waiting until %s:%n%s", what, read(log))
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static String read(Path log) {
    try {
      File f = log.toFile();
      return f.exists() ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
