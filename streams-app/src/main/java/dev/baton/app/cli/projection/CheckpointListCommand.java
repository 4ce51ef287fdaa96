package dev.baton.app.cli.projection;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.cli.BatonCli;
import dev.baton.app.sink.projection.checkpoint.CheckpointManifest;
import dev.baton.app.sink.projection.checkpoint.CheckpointStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code baton checkpoint list [--no-verify] [--json]}. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the checkpoints, oldest first, with their kind, parent, rows and size, and whether"
          + " their data matches its checksum. Exits 1 if any is damaged."
    })
public final class CheckpointListCommand implements Callable<Integer> {
  @Mixin ProjectionOptions projection;

  @Option(names = "--no-verify", description = "Do not read the data files to check checksums.")
  boolean noVerify;

  @Option(names = "--json", description = "Print a JSON array of manifests with a status.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    CheckpointStore store = new CheckpointStore(projection.checkpointDir());
    List<CheckpointStore.Entry> entries = store.list();
    boolean damaged = false;
    ArrayNode array = CheckpointStore.mapper().createArrayNode();
    if (!json) {
      out.printf(
          "%-32s %-11s %-32s %8s %10s  %s%n", "ID", "KIND", "PARENT", "ROWS", "BYTES", "STATUS");
    }
    for (CheckpointStore.Entry e : entries) {
      String status;
      CheckpointManifest m = e.manifest();
      if (m == null) {
        status = "DAMAGED: " + e.problem();
      } else if (e.problem() != null) {
        status = "BROKEN: " + e.problem();
      } else {
        String problem = noVerify ? null : store.checkData(m);
        status = problem == null ? (noVerify ? "unchecked" : "ok") : "DAMAGED: " + problem;
      }
      damaged |= status.startsWith("DAMAGED") || status.startsWith("BROKEN");
      if (json) {
        ObjectNode node =
            m == null
                ? CheckpointStore.mapper().createObjectNode().put("id", e.id())
                : CheckpointStore.mapper().valueToTree(m);
        node.put("status", status);
        array.add(node);
      } else {
        out.printf(
            "%-32s %-11s %-32s %8s %10s  %s%n",
            e.id(),
            m == null ? "?" : m.kind(),
            m == null || m.parent() == null ? "-" : m.parent(),
            m == null ? "?" : m.totalRows(),
            m == null ? "?" : m.dataBytes(),
            status);
      }
    }
    if (json) {
      out.println(array.toPrettyString());
    } else if (entries.isEmpty()) {
      out.println("(no checkpoints in " + store.dir() + ")");
    }
    out.flush();
    return damaged ? BatonCli.FAILED : BatonCli.OK;
  }
}
