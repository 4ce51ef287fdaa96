package dev.baton.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.config.AppConfig;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.app.testing.LogCapture;
import dev.baton.app.testing.TestBaton;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node starts its parts in order, logs "up" only when all run, and undoes a failed start. */
class BatonServiceIT {
  private static final String SECRET = "s3cret-pa55";

  @TempDir Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Map<String, Object> fresh(Path dataDir, int httpPort) {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    Map<String, Object> props = new HashMap<>();
    props.put(AppConfig.TOPIC_PREFIX, prefix);
    props.put(AppConfig.APPLICATION_ID, prefix + "baton");
    props.put(AppConfig.BOOTSTRAP_SERVERS, KafkaTestCluster.bootstrapServers());
    props.put(AppConfig.DATA_DIR, dataDir.toString());
    props.put(AppConfig.HTTP_HOST, "127.0.0.1");
    props.put(AppConfig.HTTP_PORT, httpPort);
    props.put(AppConfig.PARTITIONS, 3);
    return props;
  }

  @Test
  void shouldCloseWhatStartedWhenASinkFailsAndNeverSayUpNorTheSecret() throws Exception {
    int port = freePort();
    Map<String, Object> props = fresh(dir, port);
    // Nothing listens on port 1: the projection sink cannot open its database.
    props.put(
        AppConfig.PROJECTION_JDBC_URL,
        "jdbc:postgresql://127.0.0.1:1/baton?user=baton&password=" + SECRET + "&connectTimeout=2");
    AppConfig config = AppConfig.parse(props);

    try (LogCapture logs = new LogCapture()) {
      assertThatThrownBy(
              () ->
                  BatonService.start(
                      config, new BatonService.Options(false, 0, Duration.ofSeconds(60))))
          .hasMessageContaining("cannot start the projection sink")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));

      assertThat(logs.indexOf(BatonService.UP_LINE)).isEqualTo(-1);
      assertThat(logs.indexOf("the projection sink failed to start")).isNotNegative();
      assertThat(String.join("\n", logs.lines())).doesNotContain(SECRET);
    }
    // The HTTP API had started before the sink: its port is free again.
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      assertThat(again.isBound()).isTrue();
    }
  }

  @Test
  void shouldSayUpOnlyAfterEveryPartStarted() {
    try (LogCapture logs = new LogCapture();
        TestBaton baton = TestBaton.start(dir, Map.of())) {
      int up = logs.indexOf(BatonService.UP_LINE);
      assertThat(up).isNotNegative();
      assertThat(logs.indexOf("audit sink started")).isNotNegative().isLessThan(up);
      assertThat(logs.indexOf("projection sink reading")).isNotNegative().isLessThan(up);
      assertThat(logs.lines().get(up))
          .contains("the HTTP API", "the audit sink", "the projection sink");
      assertThat(baton.service().httpPort()).isPositive();
    }
  }
}
