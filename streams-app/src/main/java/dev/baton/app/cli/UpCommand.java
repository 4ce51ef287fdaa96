package dev.baton.app.cli;

import dev.baton.app.config.AppConfig;
import dev.baton.app.runtime.BatonService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baton up}: broker (unless --bootstrap), topics, topology and HTTP API in one process. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start Baton in one process: an embedded single-node Kafka broker (unless --bootstrap is"
          + " given), the topics, the topology and the HTTP API. Ctrl-C stops everything."
    })
final class UpCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = "baton-data",
      description =
          "Directory for broker data, state stores and exports (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--http-port",
      defaultValue = "7070",
      description = "HTTP API port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--broker-port",
      defaultValue = "9092",
      description = "Port of the embedded broker (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int brokerPort;

  @Option(
      names = "--bootstrap",
      description = "Use this Kafka cluster (host:port) instead of starting an embedded broker.")
  String bootstrap;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description =
          "Partitions of the Baton topics when they are created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--jdbc-url",
      description =
          "Projection database (default: SQLite at <data-dir>/baton.db), e.g."
              + " jdbc:postgresql://127.0.0.1:5432/baton?user=baton.")
  String jdbcUrl;

  @Option(
      names = "--config",
      description = "Extra settings as key=value (see docs/operations.md), repeatable.")
  Map<String, String> extra = new HashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    Map<String, Object> props = new HashMap<>(extra);
    props.put(AppConfig.DATA_DIR, dataDir.toString());
    props.put(AppConfig.HTTP_PORT, httpPort);
    props.put(AppConfig.PARTITIONS, partitions);
    if (bootstrap != null) {
      props.put(AppConfig.BOOTSTRAP_SERVERS, bootstrap);
    }
    if (jdbcUrl != null) {
      props.put(AppConfig.PROJECTION_JDBC_URL, jdbcUrl);
    }
    AppConfig config = AppConfig.parse(props);
    BatonService service =
        BatonService.start(
            config,
            new BatonService.Options(bootstrap == null, brokerPort, Duration.ofSeconds(60)));
    return Foreground.runUntilStopped(
        service,
        String.format(
            "Baton is up%n  HTTP API : http://localhost:%d%n  Kafka    : %s%n  data dir : %s%n",
            service.httpPort(), service.bootstrapServers(), dataDir.toAbsolutePath()));
  }
}
