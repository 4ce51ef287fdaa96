package dev.baton.app.cli;

import dev.baton.app.config.AppConfig;
import dev.baton.app.config.Redaction;
import dev.baton.app.metrics.BatonMetrics;
import dev.baton.app.metrics.MetricsServer;
import dev.baton.app.runtime.NodeIdentity;
import dev.baton.app.sink.SinkStatus;
import dev.baton.app.sink.audit.AuditSink;
import dev.baton.app.sink.projection.ProjectionSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton sink}: the audit and projection sinks alone, against a running cluster, until
 * stopped (Ctrl-C or SIGTERM, which closes the open segments). Exits 1 if either sink stops on an
 * error.
 */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    defaultValueProvider = NodeSettings.KeyDefaults.class,
    description = {
      "Run the sinks on their own until stopped: the audit trail (JSONL segments in"
          + " <data-dir>/export/audit) and the SQL projection with decisions.md, state.json and"
          + " checkpoints. Several instances with the same group share the partitions.",
      "Every setting can also come from the environment: BATON_X_Y sets baton.x.y (see 'baton"
          + " config'); --config and the options below win over it."
    })
public final class SinkCommand implements Callable<Integer>, NodeSettings.NodeCommand {
  /** Printed to stdout once the sink runs. */
  public static final String READY_LINE = "Audit sink running";

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      description = "Directory the exports go to (env BATON_DATA_DIR; default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--bootstrap",
      description =
          "Kafka bootstrap servers (env BATON_BOOTSTRAP_SERVERS; default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = "--config",
      paramLabel = "KEY=VALUE",
      description =
          "Extra settings (baton.topic.prefix, baton.audit.*; see docs/operations.md),"
              + " repeatable.")
  Map<String, String> extra = new HashMap<>();

  @Option(
      names = "--metrics-port",
      description =
          "Serve GET /metrics (Prometheus text format, open, read-only) on this port of"
              + " baton.metrics.host (default 127.0.0.1); 0 picks a free one, -1 (default): none"
              + " (env BATON_METRICS_PORT).")
  Integer metricsPort;

  @Option(
      names = "--jdbc-url",
      description =
          "Projection database (env BATON_PROJECTION_JDBC_URL; default: SQLite at"
              + " <data-dir>/baton.db), e.g. jdbc:postgresql://127.0.0.1:5432/baton?user=baton.")
  String jdbcUrl;

  @Override
  public AppConfig config(Map<String, String> env) {
    return AppConfig.parse(NodeSettings.merge(spec, env, extra));
  }

  @Override
  public Integer call() throws InterruptedException {
    // The data directory's node id gives the sinks static membership (baton.node.id).
    AppConfig config = NodeIdentity.resolve(config(System.getenv()));
    BatonMetrics metrics = BatonMetrics.prometheus();
    AuditSink audit;
    ProjectionSink projection;
    MetricsServer metricsServer;
    try {
      audit = AuditSink.startIfEnabled(config, metrics);
      try {
        projection = ProjectionSink.startIfEnabled(config, metrics);
      } catch (RuntimeException e) {
        if (audit != null) {
          audit.close();
        }
        throw e;
      }
      if (audit == null && projection == null) {
        System.err.println(
            "error: nothing to run: both "
                + AppConfig.AUDIT_ENABLED
                + " and "
                + AppConfig.PROJECTION_ENABLED
                + " are false");
        metrics.close();
        return BatonCli.FAILED;
      }
      metricsServer = startMetrics(config, metrics, audit, projection);
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
    metrics.up();
    // The command runs until the shutdown hook has closed the sinks, or until a sink's thread
    // ends on its own: a sink that stopped on an error must end the process (exit 1), so that
    // whoever runs it (systemd, Kubernetes) starts it again, rather than leave it running without
    // that sink.
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    List<CompletableFuture<Void>> ends = new ArrayList<>(List.of(stopped));
    List<SinkStatus.Source> sources = new ArrayList<>();
    if (audit != null) {
      ends.add(audit.stopped());
      sources.add(audit::status);
    }
    if (projection != null) {
      ends.add(projection.stopped());
      sources.add(projection::status);
    }
    SinkStatusPrinter printer = new SinkStatusPrinter(sources, System.err);
    ScheduledExecutorService watcher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-sink-status");
              t.setDaemon(true);
              return t;
            });
    watcher.scheduleWithFixedDelay(printer::check, 0, 500, TimeUnit.MILLISECONDS);
    Thread hook =
        new Thread(
            () -> {
              watcher.shutdownNow();
              closeSinks(audit, projection);
              if (metricsServer != null) {
                metricsServer.close();
              }
              metrics.close();
              stopped.complete(null);
            },
            "baton-sink-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.printf(
        "%s: %s -> %s%s%nPress Ctrl-C to stop.%n",
        READY_LINE,
        config.topics().events(),
        audit != null ? config.auditDir().toAbsolutePath() : "(audit off)",
        projection != null ? " and " + withoutCredentials(config.projectionJdbcUrl()) : "");
    if (metricsServer != null) {
      System.out.printf(
          "Metrics on http://%s:%d%s%n",
          config.values().get(AppConfig.METRICS_HOST), metricsServer.port(), MetricsServer.PATH);
    }
    System.out.flush();
    try {
      CompletableFuture.anyOf(ends.toArray(CompletableFuture[]::new)).get();
      return BatonCli.OK;
    } catch (ExecutionException e) {
      boolean auditFailed = audit != null && audit.stopped().isCompletedExceptionally();
      System.err.println(
          "error: the "
              + (auditFailed ? "audit" : "projection")
              + " sink stopped: "
              + Redaction.secretsIn(String.valueOf(e.getCause().getMessage())));
      // The other sink stops as on Ctrl-C (open segments closed); the failed one's thread has
      // ended, so closing it only releases its files and connections.
      closeSinks(audit, projection);
      return BatonCli.FAILED;
    } finally {
      watcher.shutdownNow();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook is running.
      }
    }
  }

  /** Closes whichever sinks run, the projection first; either may be null. */
  private static void closeSinks(AuditSink audit, ProjectionSink projection) {
    if (projection != null) {
      projection.close();
    }
    if (audit != null) {
      audit.close();
    }
  }

  /**
   * The metrics-only listener of {@value AppConfig#METRICS_PORT}, or null when it is -1; when it
   * cannot bind, the sinks are closed and the failure names the setting.
   */
  private static MetricsServer startMetrics(
      AppConfig config, BatonMetrics metrics, AuditSink audit, ProjectionSink projection) {
    int port = (Integer) config.values().get(AppConfig.METRICS_PORT);
    if (port < 0) {
      return null;
    }
    String host = (String) config.values().get(AppConfig.METRICS_HOST);
    try {
      return MetricsServer.start(host, port, metrics);
    } catch (IOException | RuntimeException e) {
      closeSinks(audit, projection);
      throw new IllegalStateException(
          "cannot listen for metrics on "
              + host
              + ":"
              + port
              + " ("
              + AppConfig.METRICS_HOST
              + ", "
              + AppConfig.METRICS_PORT
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The JDBC URL with its password masked, for the log: in a deployment the URL comes from a Secret
   * and must not end up in the pod's output.
   */
  static String withoutCredentials(String jdbcUrl) {
    return Redaction.jdbcUrl(jdbcUrl);
  }
}
