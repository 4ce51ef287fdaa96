package dev.baton.app.cli.projection;

import dev.baton.app.cli.BatonCli;
import dev.baton.app.cli.KafkaClientOptions;
import dev.baton.app.cli.RunningNode;
import dev.baton.app.config.KafkaAccess;
import dev.baton.app.config.Redaction;
import dev.baton.app.sink.projection.Dialect;
import dev.baton.app.sink.projection.ProjectionState;
import dev.baton.app.sink.projection.checkpoint.CheckpointException;
import dev.baton.app.sink.projection.checkpoint.CheckpointManifest;
import dev.baton.app.sink.projection.checkpoint.CheckpointRestore;
import dev.baton.app.sink.projection.checkpoint.CheckpointStore;
import dev.baton.sdk.protocol.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton checkpoint restore <id> (--into <target> | --to-kafka)}. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore a checkpoint (its full checkpoint plus the incrementals up to it), after"
          + " verifying every checksum in the chain.",
      "--into <jdbc-url or SQLite file>: rebuild a projection there, at the checkpoint's offsets.",
      "--to-kafka: reset the live system's tasks and locks to the checkpoint through admin"
          + " state.restore commands (audited as state.restored events). Versions and fencing"
          + " tokens only move forward; locks come back free; decisions are left as they are."
    })
public final class CheckpointRestoreCommand implements Callable<Integer> {
  @Mixin ProjectionOptions projection;

  @Parameters(index = "0", paramLabel = "ID", description = "The checkpoint to restore.")
  String id;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(
        names = "--into",
        paramLabel = "TARGET",
        description = "A JDBC URL or a SQLite file path to rebuild the projection in.")
    String into;

    @Option(names = "--to-kafka", description = "Reset the live system through Kafka.")
    boolean toKafka;
  }

  @Option(names = "--replace", description = "With --into: empty a non-empty target first.")
  boolean replace;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description =
          "With --to-kafka: Kafka bootstrap servers (default: the running node's, from"
              + " <data-dir>/endpoints.json, else localhost:9092).")
  String bootstrap;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      description =
          "With --to-kafka: the topics' prefix (baton.topic.prefix; default: the running"
              + " node's, else none).")
  String topicPrefix;

  @Option(
      names = "--timeout-ms",
      paramLabel = "MS",
      defaultValue = "60000",
      description =
          "With --to-kafka: how long to wait for the outcomes (default: ${DEFAULT-VALUE}).")
  long timeoutMs;

  @picocli.CommandLine.Mixin KafkaClientOptions kafkaOptions;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CheckpointStore store = new CheckpointStore(projection.checkpointDir());
    try {
      if (target.into != null) {
        String url = Dialect.urlOf(target.into);
        CheckpointRestore.Result r = CheckpointRestore.into(store, id, url, replace);
        out.printf(
            "restored %s into %s: chain %s, %d rows, offsets %s%n",
            id, Redaction.jdbcUrl(url), ids(r.chain()), r.rows(), r.target().offsets());
        out.flush();
        return BatonCli.OK;
      }
      ProjectionState state = CheckpointRestore.inMemory(store, id);
      RunningNode node = RunningNode.of(projection.dataDir(), err);
      KafkaAccess kafka = kafkaOptions.access(node.bootstrap(bootstrap));
      Topics topics = Topics.withPrefix(node.topicPrefix(topicPrefix));
      err.printf(
          "restoring %d rows of checkpoint %s through Kafka at %s ...%n", state.size(), id, kafka);
      err.flush();
      KafkaRestore.Result r =
          KafkaRestore.run(state, id, kafka, topics, Duration.ofMillis(timeoutMs));
      out.printf("restored %d of %d keys from checkpoint %s%n", r.accepted(), r.sent(), id);
      r.failures().forEach(f -> out.println("not restored: " + f));
      out.flush();
      return r.failures().isEmpty() ? BatonCli.OK : BatonCli.FAILED;
    } catch (CheckpointException | IllegalStateException e) {
      err.println("error: " + Redaction.secretsIn(e.getMessage()));
      return BatonCli.FAILED;
    }
  }

  private static List<String> ids(List<CheckpointManifest> chain) {
    return chain.stream().map(CheckpointManifest::id).toList();
  }
}
