package dev.baton.app.cli;

import dev.baton.app.config.AppConfig;
import dev.baton.app.config.Redaction;
import dev.baton.app.sink.audit.AuditSink;
import dev.baton.app.sink.projection.ProjectionSink;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code baton sink}: the audit and projection sinks alone, against a running cluster, until
 * stopped (Ctrl-C or SIGTERM, which closes the open segments). Exits 1 if the sink stops on an
 * error.
 */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = {
      "Run the sinks on their own until stopped: the audit trail (JSONL segments in"
          + " <data-dir>/export/audit) and the SQL projection with decisions.md, state.json and"
          + " checkpoints. Several instances with the same group share the partitions."
    })
public final class SinkCommand implements Callable<Integer> {
  /** Printed to stdout once the sink runs. */
  public static final String READY_LINE = "Audit sink running";

  @Option(
      names = "--data-dir",
      defaultValue = "baton-data",
      description = "Directory the exports go to (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--bootstrap",
      defaultValue = "localhost:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = "--config",
      paramLabel = "KEY=VALUE",
      description =
          "Extra settings (baton.topic.prefix, baton.audit.*; see docs/operations.md),"
              + " repeatable.")
  Map<String, String> extra = new HashMap<>();

  @Option(
      names = "--jdbc-url",
      description =
          "Projection database (default: SQLite at <data-dir>/baton.db), e.g."
              + " jdbc:postgresql://127.0.0.1:5432/baton?user=baton.")
  String jdbcUrl;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, Object> props = new HashMap<>(extra);
    props.put(AppConfig.DATA_DIR, dataDir.toString());
    props.put(AppConfig.BOOTSTRAP_SERVERS, bootstrap);
    if (jdbcUrl != null) {
      props.put(AppConfig.PROJECTION_JDBC_URL, jdbcUrl);
    }
    AppConfig config = AppConfig.parse(props);
    AuditSink audit = AuditSink.startIfEnabled(config);
    ProjectionSink projection;
    try {
      projection = ProjectionSink.startIfEnabled(config);
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
      return BatonCli.FAILED;
    }
    // Without the audit sink nothing completes this on its own: the shutdown hook does.
    CompletableFuture<Void> stopped = audit != null ? audit.stopped() : new CompletableFuture<>();
    Thread hook =
        new Thread(
            () -> {
              if (projection != null) {
                projection.close();
              }
              if (audit != null) {
                audit.close();
              }
              stopped.complete(null);
            },
            "baton-sink-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.printf(
        "%s: %s -> %s%s%nPress Ctrl-C to stop.%n",
        READY_LINE,
        config.topics().events(),
        audit != null ? config.auditDir().toAbsolutePath() : "(audit off)",
        projection != null ? " and " + Redaction.jdbcUrl(config.projectionJdbcUrl()) : "");
    System.out.flush();
    try {
      stopped.get();
      return BatonCli.OK;
    } catch (ExecutionException e) {
      System.err.println(
          "error: the audit sink stopped: " + Redaction.secretsIn(e.getCause().getMessage()));
      if (projection != null) {
        projection.close();
      }
      return BatonCli.FAILED;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook is running.
      }
    }
  }
}
