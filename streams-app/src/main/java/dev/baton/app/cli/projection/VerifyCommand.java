package dev.baton.app.cli.projection;

import dev.baton.app.cli.BatonCli;
import dev.baton.app.cli.KafkaClientOptions;
import dev.baton.app.cli.RunningNode;
import dev.baton.app.config.Redaction;
import dev.baton.app.sink.projection.verify.Verifier;
import dev.baton.sdk.protocol.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code baton verify}: every view of the log against a replay of the log. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Replay baton.events and compare it with the projection (at its offsets), the newest"
          + " checkpoint chain plus the log after it, the JSONL audit replayed, and the live"
          + " tasks and locks served by the HTTP API. Prints every difference; exits 1 if there"
          + " is any.",
      "Run it on a quiet system: commands during the run show up as live differences."
    })
public final class VerifyCommand implements Callable<Integer> {
  @Mixin ProjectionOptions projection;

  @Mixin KafkaClientOptions kafkaOptions;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description =
          "Kafka bootstrap servers (default: the running node's, from"
              + " <data-dir>/endpoints.json, else localhost:9092).")
  String bootstrap;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      description =
          "The topics' prefix (baton.topic.prefix; default: the running node's, else none).")
  String topicPrefix;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "The HTTP API for the live state (default: the running node's, from"
              + " <data-dir>/endpoints.json, else http://127.0.0.1:7070).")
  String server;

  @Option(
      names = "--skip",
      paramLabel = "VIEW",
      split = ",",
      description = "Leave out views: projection, checkpoint, audit, live (comma-separated).")
  Set<String> skip = new HashSet<>();

  @Option(
      names = "--catch-up-ms",
      paramLabel = "MS",
      defaultValue = "30000",
      description =
          "How long to wait for the projection to reach the log's end (default:"
              + " ${DEFAULT-VALUE}).")
  long catchUpMs;

  @Option(
      names = "--allow-behind",
      description =
          "Compare a projection that is still behind the log after --catch-up-ms at its own"
              + " offsets (a restored copy) instead of failing.")
  boolean allowBehind;

  @Option(
      names = "--timeout-ms",
      paramLabel = "MS",
      defaultValue = "60000",
      description = "Timeout of Kafka and HTTP reads (default: ${DEFAULT-VALUE}).")
  long timeoutMs;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Set<Verifier.Check> checks = EnumSet.allOf(Verifier.Check.class);
    for (String view : skip) {
      try {
        checks.remove(Verifier.Check.valueOf(view.trim().toUpperCase(java.util.Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--skip '" + view + "' is not a view; use projection, checkpoint, audit or live");
      }
    }
    Verifier.Settings settings;
    try {
      RunningNode node = RunningNode.of(projection.dataDir(), err);
      settings =
          new Verifier.Settings(
              kafkaOptions.access(node.bootstrap(bootstrap)),
              Topics.withPrefix(node.topicPrefix(topicPrefix)).events(),
              projection.jdbcUrl(),
              projection.exportDir(),
              node.server(server).replaceAll("/+$", ""),
              checks,
              Duration.ofMillis(catchUpMs),
              Duration.ofMillis(timeoutMs),
              allowBehind);
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return BatonCli.FAILED;
    }
    Verifier.Report report;
    try {
      report =
          new Verifier(
                  settings,
                  line -> {
                    err.println(line);
                    err.flush();
                  })
              .run();
    } catch (Exception e) {
      err.println("error: " + Redaction.secretsIn(String.valueOf(e.getMessage())));
      return BatonCli.FAILED;
    }
    report.notes().forEach(n -> out.println("checked " + n));
    report.differences().forEach(d -> out.println("DIFFERENCE " + d));
    out.println(
        report.ok()
            ? "verify: no differences"
            : "verify: " + report.differences().size() + " difference(s)");
    out.flush();
    return report.ok() ? BatonCli.OK : BatonCli.FAILED;
  }
}
