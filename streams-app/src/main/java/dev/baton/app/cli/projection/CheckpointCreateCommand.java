package dev.baton.app.cli.projection;

import dev.baton.app.cli.BatonCli;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.checkpoint.CheckpointManifest;
import dev.baton.app.sink.projection.checkpoint.CheckpointStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code baton checkpoint create [--incremental] [--retain N] [--json]}. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Write a checkpoint of the projection now: full (every row at the recorded offsets), or"
          + " with --incremental only the rows changed since the newest checkpoint.",
      "Reads a consistent snapshot; the sink may keep writing meanwhile."
    })
public final class CheckpointCreateCommand implements Callable<Integer> {
  @Mixin ProjectionOptions projection;

  @Option(
      names = "--incremental",
      description = "Only the rows changed since the newest checkpoint (full if there is none).")
  boolean incremental;

  @Option(
      names = "--retain",
      paramLabel = "N",
      description = "Afterwards keep only the newest N full checkpoints and what builds on them.")
  Integer retain;

  @Option(names = "--json", description = "Print the manifest as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (retain != null && retain < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--retain must be >= 1, got " + retain);
    }
    CheckpointStore store = new CheckpointStore(projection.checkpointDir());
    CheckpointManifest m;
    try (ProjectionDatabase db = ProjectionDatabase.openReadOnly(projection.jdbcUrl())) {
      m = store.create(db, !incremental);
    }
    List<String> deleted = retain == null ? List.of() : store.retain(retain);
    if (json) {
      out.println(CheckpointStore.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m));
    } else {
      out.printf(
          "checkpoint %s (%s%s): %d rows %s, %d bytes, offsets %s%n",
          m.id(),
          m.kind(),
          m.parent() == null ? "" : " on " + m.parent(),
          m.totalRows(),
          m.rows(),
          m.dataBytes(),
          m.offsets());
      if (!deleted.isEmpty()) {
        out.println("retention deleted " + deleted);
      }
    }
    out.flush();
    return BatonCli.OK;
  }
}
