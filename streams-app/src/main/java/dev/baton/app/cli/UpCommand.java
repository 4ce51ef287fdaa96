package dev.baton.app.cli;

import dev.baton.app.auth.AdminTokenFile;
import dev.baton.app.config.AppConfig;
import dev.baton.app.runtime.BatonService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton up}: broker (unless a Kafka cluster is named: --bootstrap, {@code
 * BATON_BOOTSTRAP_SERVERS} or --config), topics, topology, HTTP API and sinks in one process.
 * Settings come from the environment too ({@link NodeSettings}).
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    defaultValueProvider = NodeSettings.KeyDefaults.class,
    description = {
      "Start Baton in one process: an embedded single-node Kafka broker (unless a cluster is"
          + " named by --bootstrap or BATON_BOOTSTRAP_SERVERS), the topics, the topology and the"
          + " HTTP API. Ctrl-C stops everything.",
      "Every setting can also come from the environment: BATON_X_Y sets baton.x.y (see 'baton"
          + " config'); --config and the options below win over it."
    })
final class UpCommand implements Callable<Integer>, NodeSettings.NodeCommand {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      description =
          "Directory for broker data, state stores and exports (env BATON_DATA_DIR; default:"
              + " ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--http-port",
      description = "HTTP API port (env BATON_HTTP_PORT; default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--broker-port",
      defaultValue = "9092",
      description = "Port of the embedded broker (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int brokerPort;

  @Option(
      names = "--bootstrap",
      description =
          "Use this Kafka cluster (host:port) instead of starting an embedded broker (env"
              + " BATON_BOOTSTRAP_SERVERS).")
  String bootstrap;

  @Option(
      names = "--partitions",
      description =
          "Partitions of the Baton topics when they are created (env BATON_PARTITIONS; default:"
              + " ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--jdbc-url",
      description =
          "Projection database (env BATON_PROJECTION_JDBC_URL; default: SQLite at"
              + " <data-dir>/baton.db), e.g. jdbc:postgresql://127.0.0.1:5432/baton?user=baton.")
  String jdbcUrl;

  @Option(
      names = "--auth",
      description =
          "Require bearer tokens (baton.auth.enabled) and write an admin token to"
              + " <data-dir>/admin.token, readable by you only.")
  boolean auth;

  @Option(
      names = "--config",
      description = "Extra settings as key=value (see docs/operations.md), repeatable.")
  Map<String, String> extra = new HashMap<>();

  @Override
  public AppConfig config(Map<String, String> env) {
    return AppConfig.parse(settings(env));
  }

  private Map<String, Object> settings(Map<String, String> env) {
    Map<String, Object> props = NodeSettings.merge(spec, env, extra);
    if (auth) {
      props.put(AppConfig.AUTH_ENABLED, true);
    }
    return props;
  }

  @Override
  public Integer call() throws InterruptedException {
    Map<String, Object> props = settings(System.getenv());
    AppConfig config = AppConfig.parse(props);
    // A named cluster, from wherever it came, replaces the embedded broker.
    boolean embeddedBroker = !props.containsKey(AppConfig.BOOTSTRAP_SERVERS);
    // With --auth the node writes admin.token before its HTTP API listens.
    BatonService service =
        BatonService.start(
            config,
            new BatonService.Options(embeddedBroker, brokerPort, Duration.ofSeconds(60), true));
    String access =
        service.tokens().isPresent()
            ? "tokens required; admin token in "
                + config.dataDir().resolve(AdminTokenFile.NAME).toAbsolutePath()
            : "no tokens: any local client may act as any agent (--auth to require tokens)";
    return Foreground.runUntilStopped(
        service,
        String.format(
            "Baton is up%n  HTTP API : http://localhost:%d%n  Kafka    : %s%n  data dir : %s%n"
                + "  auth     : %s%n",
            service.httpPort(),
            service.bootstrapServers(),
            config.dataDir().toAbsolutePath(),
            access));
  }
}
