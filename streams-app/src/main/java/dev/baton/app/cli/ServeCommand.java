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

/**
 * {@code baton serve}: the topology and the HTTP API against an existing cluster, without the sinks
 * (run {@code baton sink} for those). The unit to scale out: instances with the same application id
 * share the partitions.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the topology and the HTTP API against an existing Kafka cluster, without the sinks"
          + " (run 'baton sink' for those). Instances with the same application id share the"
          + " partitions."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--bootstrap",
      required = true,
      description = "Kafka bootstrap servers (host:port,...).")
  String bootstrap;

  @Option(
      names = "--data-dir",
      defaultValue = "baton-data",
      description = "Directory for the RocksDB state (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--http-port",
      defaultValue = "7070",
      description = "HTTP API port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--config",
      paramLabel = "KEY=VALUE",
      description = "Extra settings (see 'baton config'), repeatable.")
  Map<String, String> extra = new HashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    Map<String, Object> props = new HashMap<>(extra);
    props.put(AppConfig.BOOTSTRAP_SERVERS, bootstrap);
    props.put(AppConfig.DATA_DIR, dataDir.toString());
    props.put(AppConfig.HTTP_PORT, httpPort);
    props.put(AppConfig.AUDIT_ENABLED, false);
    props.put(AppConfig.PROJECTION_ENABLED, false);
    BatonService service =
        BatonService.start(
            AppConfig.parse(props), new BatonService.Options(false, 0, Duration.ofSeconds(60)));
    return Foreground.runUntilStopped(
        service,
        String.format(
            "Baton is serving%n  HTTP API : http://localhost:%d%n  Kafka    : %s%n",
            service.httpPort(), service.bootstrapServers()));
  }
}
