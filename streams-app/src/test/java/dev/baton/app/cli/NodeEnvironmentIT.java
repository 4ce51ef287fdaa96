package dev.baton.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.testing.ChildNodes;
import dev.baton.app.testing.KafkaTestCluster;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
  private final ChildNodes children = new ChildNodes();

  @AfterEach
  void stopChildren() throws InterruptedException {
    children.close();
  }

  @Test
  void shouldServeWithSettingsFromTheEnvironmentAlone() throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    int port = ChildNodes.freePort();
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
    children.start("serve", log, env, "serve");

    HttpClient http = HttpClient.newHttpClient();
    children.await(
        "GET /v1/health on the port from BATON_HTTP_PORT answers 200",
        () -> ChildNodes.status(http, "http://127.0.0.1:" + port + "/v1/health") == 200);
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
    children.start("sink", log, env, "sink");

    children.await(
        "the sink is running",
        () ->
            ChildNodes.read(log).contains(SinkCommand.READY_LINE + ": " + prefix + "baton.events"));
    assertThat(ChildNodes.read(log)).contains(dir.resolve("data").resolve("export").toString());
  }

  @Test
  void shouldRefuseASecondSinkOnTheSameSqliteProjection() throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    KafkaTestCluster.createTopics(2, prefix + "baton.events");
    Map<String, String> env = new HashMap<>(cluster(prefix));
    env.put("BATON_AUDIT_ENABLED", "false");
    Path firstLog = dir.resolve("sink-1.log");
    ChildNodes.Child first = children.start("sink-1", firstLog, env, "sink");
    children.await(
        "the first sink is running",
        () -> ChildNodes.read(firstLog).contains("projection sink reading"));

    Path secondLog = dir.resolve("sink-2.log");
    Process second = children.start("sink-2", secondLog, env, "sink").process();

    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isEqualTo(BatonCli.FAILED);
    assertThat(ChildNodes.read(secondLog))
        .contains("another projection sink is writing " + dir.resolve("data").resolve("baton.db"))
        .contains("A SQLite projection has one writer");
    assertThat(first.process().isAlive()).isTrue();
  }

  @Test
  void shouldRefuseToStartOnAMisspeltVariable() throws Exception {
    Path log = dir.resolve("refused.log");
    Process p =
        children
            .start(
                "serve",
                log,
                Map.of("BATON_BOOTSTRAP_SERVERS", "127.0.0.1:9", "BATON_HTTP_PROT", "7071"),
                "serve")
            .process();

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(BatonCli.FAILED);
    assertThat(ChildNodes.read(log))
        .contains("unknown Baton environment variable BATON_HTTP_PROT")
        .contains("did you mean BATON_HTTP_PORT?");
  }

  private Map<String, String> cluster(String prefix) {
    return ChildNodes.sharedSettings(prefix, dir.resolve("data"));
  }
}
