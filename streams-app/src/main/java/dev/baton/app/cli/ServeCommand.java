package dev.baton.app.cli;

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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code baton serve}: the topology and the HTTP API against an existing cluster, without the sinks
 * (run {@code baton sink} for those). The unit to scale out: instances with the same application id
 * share the partitions. Settings come from the environment too ({@link NodeSettings}).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    defaultValueProvider = NodeSettings.KeyDefaults.class,
    description = {
      "Run the topology and the HTTP API against an existing Kafka cluster, without the sinks"
          + " (run 'baton sink' for those). Instances with the same application id share the"
          + " partitions.",
      "Every setting can also come from the environment: BATON_X_Y sets baton.x.y (see 'baton"
          + " config'); --config and the options below win over it."
    })
final class ServeCommand implements Callable<Integer>, NodeSettings.NodeCommand {
  @Spec CommandSpec spec;

  @Option(
      names = "--bootstrap",
      description =
          "Kafka bootstrap servers (host:port,...); required unless BATON_BOOTSTRAP_SERVERS or"
              + " --config baton.bootstrap.servers gives them.")
  String bootstrap;

  @Option(
      names = "--data-dir",
      description =
          "Directory for the RocksDB state (env BATON_DATA_DIR; default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--http-port",
      description = "HTTP API port (env BATON_HTTP_PORT; default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--insecure-no-auth",
      description =
          "Serve without tokens: any client may act as any agent. Only on a loopback"
              + " baton.http.host; never in a shared deployment.")
  boolean insecureNoAuth;

  @Option(
      names = "--config",
      paramLabel = "KEY=VALUE",
      description = "Extra settings (see 'baton config'), repeatable.")
  Map<String, String> extra = new HashMap<>();

  @Override
  public AppConfig config(Map<String, String> env) {
    Map<String, Object> props = NodeSettings.merge(spec, env, extra);
    if (!props.containsKey(AppConfig.BOOTSTRAP_SERVERS)) {
      throw new ParameterException(
          spec.commandLine(),
          "Missing the Kafka cluster: give --bootstrap, BATON_BOOTSTRAP_SERVERS or --config "
              + AppConfig.BOOTSTRAP_SERVERS
              + "=...");
    }
    Object auth = props.get(AppConfig.AUTH_ENABLED);
    if (!insecureNoAuth && auth != null && !Boolean.parseBoolean(String.valueOf(auth).trim())) {
      throw new ParameterException(
          spec.commandLine(),
          "baton serve requires tokens: "
              + AppConfig.AUTH_ENABLED
              + "=false is refused unless --insecure-no-auth is given");
    }
    props.put(AppConfig.AUTH_ENABLED, !insecureNoAuth);
    props.put(AppConfig.AUDIT_ENABLED, false);
    props.put(AppConfig.PROJECTION_ENABLED, false);
    return AppConfig.parse(props);
  }

  @Override
  public Integer call() throws InterruptedException {
    BatonService service =
        BatonService.start(
            config(System.getenv()), new BatonService.Options(false, 0, Duration.ofSeconds(60)));
    return Foreground.runUntilStopped(
        service,
        String.format(
            "Baton is serving%n  HTTP API : http://localhost:%d%n  Kafka    : %s%n",
            service.httpPort(), service.bootstrapServers()));
  }
}
