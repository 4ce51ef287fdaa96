package dev.baton.app.cli.audit;

import dev.baton.app.cli.BatonCli;
import dev.baton.app.cli.KafkaClientOptions;
import dev.baton.app.cli.RunningNode;
import dev.baton.app.config.KafkaAccess;
import dev.baton.app.sink.audit.AuditDirectory;
import dev.baton.app.sink.audit.Republisher;
import dev.baton.sdk.protocol.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baton audit republish}: the events back into Kafka, idempotently. */
@Command(
    name = "republish",
    mixinStandardHelpOptions = true,
    description = {
      "Write the audit trail's events back into a Kafka topic (disaster recovery), each to the"
          + " partition it came from, with its key, value and timestamp.",
      "Idempotent: a second run, or one after an interruption, writes only what the topic does"
          + " not have yet. The topic is created (retention forever) when missing."
    })
final class AuditRepublishCommand extends AuditVerb {
  @Mixin AuditFolder folder;

  @Mixin KafkaClientOptions kafkaOptions;

  @Option(
      names = "--bootstrap",
      description =
          "Kafka bootstrap servers (default: the running node's, from"
              + " <data-dir>/endpoints.json, else localhost:9092).")
  String bootstrap;

  @Option(
      names = "--topic-prefix",
      description =
          "Prefix of the Baton topic names (baton.topic.prefix; default: the running node's,"
              + " else none).")
  String prefix;

  @Option(
      names = "--topic",
      description = "The topic to write to (default: <topic-prefix>baton.events).")
  String topic;

  @Option(names = "--partition", paramLabel = "P", description = "Only partition P (repeatable).")
  List<Integer> partitions = new ArrayList<>();

  @Override
  protected int run(PrintWriter out, PrintWriter err) {
    AuditDirectory dir = folder.open();
    RunningNode node;
    try {
      node = RunningNode.of(folder.dataDir, err);
    } catch (IllegalStateException e) {
      throw new AuditCliException(e.getMessage());
    }
    KafkaAccess kafka = kafkaOptions.access(node.bootstrap(bootstrap));
    String target = topic != null ? topic : Topics.withPrefix(node.topicPrefix(prefix)).events();
    RangeOptions all = new RangeOptions();
    all.partitions = partitions;
    long total = dir.partitions().stream().mapToLong(p -> dir.size(dir.segments(p))).sum();
    Republisher.Result result;
    try (Progress progress = Progress.onTerminal("republish", total, dir::bytesRead)) {
      result =
          Republisher.republish(
              dir,
              kafka,
              target,
              all.filter(),
              p -> err.println("not written: " + p),
              n -> progress.step());
    }
    out.printf(
        "republished %d events to %s (%d were there already%s)%n",
        result.written(),
        target,
        result.alreadyThere(),
        result.problems() == 0 ? "" : ", " + result.problems() + " damaged lines not written");
    return result.problems() == 0 ? BatonCli.OK : BatonCli.FAILED;
  }
}
