package dev.baton.app.cli;

import dev.baton.app.config.AppConfig;
import dev.baton.app.sink.audit.AuditSink;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code baton sink}: the sink alone, against a running cluster, until stopped (Ctrl-C or SIGTERM,
 * which closes the open segments). Exits 1 if the sink stops on an error.
 */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = {
      "Run the audit sink on its own: export the events topic to JSONL segments in"
          + " <data-dir>/export/audit until stopped. Several instances with the same group share"
          + " the partitions."
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

  @Override
  public Integer call() throws InterruptedException {
    Map<String, Object> props = new HashMap<>(extra);
    props.put(AppConfig.DATA_DIR, dataDir.toString());
    props.put(AppConfig.BOOTSTRAP_SERVERS, bootstrap);
    AppConfig config = AppConfig.parse(props);
    AuditSink sink = AuditSink.start(config);
    Thread hook = new Thread(sink::close, "baton-sink-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.printf(
        "%s: %s -> %s%nPress Ctrl-C to stop.%n",
        READY_LINE, config.topics().events(), config.auditDir().toAbsolutePath());
    System.out.flush();
    try {
      sink.stopped().get();
      return BatonCli.OK;
    } catch (ExecutionException e) {
      System.err.println("error: the audit sink stopped: " + e.getCause().getMessage());
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
