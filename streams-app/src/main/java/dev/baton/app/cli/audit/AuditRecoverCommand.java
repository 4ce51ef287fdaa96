package dev.baton.app.cli.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.app.cli.BatonCli;
import dev.baton.app.sink.audit.AuditDirectory;
import dev.baton.app.sink.audit.AuditRecovery;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baton audit recover}: task and lock state rebuilt from the segments. */
@Command(
    name = "recover",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild task and lock state from the segments in one streaming pass and print it as JSON"
          + " ({\"tasks\":[...],\"locks\":[...],\"offsets\":{...},...}).",
      "Full by default; --base continues a previous result (only later events are applied);"
          + " --since/--until/--from-offset/--to-offset/--partition apply a range only.",
      "Damaged lines are named on stderr, counted and never applied (exit 1 if there were any)."
    })
final class AuditRecoverCommand extends AuditVerb {
  @Mixin AuditFolder folder;
  @Mixin RangeOptions range;

  @Option(
      names = "--base",
      paramLabel = "FILE",
      description = "A previous recover output to continue from (partial recovery).")
  Path base;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write the state to FILE (replaced atomically) instead of stdout.")
  Path outFile;

  @Override
  protected int run(PrintWriter out, PrintWriter err) {
    AuditDirectory dir = folder.open();
    AuditRecovery.State start =
        base == null ? AuditRecovery.State.EMPTY : AuditRecovery.readBase(base);
    long total = dir.partitions().stream().mapToLong(p -> dir.size(dir.segments(p))).sum();
    AuditRecovery.State state;
    try (Progress progress = Progress.onTerminal("recover", total, dir::bytesRead)) {
      state =
          AuditRecovery.recover(dir, start, range.filter(), p -> err.println("not applied: " + p));
    }
    String json;
    try {
      json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(state.toJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the state", e);
    }
    if (outFile == null) {
      out.println(json);
    } else {
      writeAtomically(outFile, json);
    }
    err.printf(
        "recovered %d tasks and %d locks from %d events%s%n",
        state.tasks().size(),
        state.locks().size(),
        state.events() - start.events(),
        state.problems() == 0 ? "" : "; " + state.problems() + " damaged lines not applied");
    return state.problems() == 0 ? BatonCli.OK : BatonCli.FAILED;
  }

  private static void writeAtomically(Path file, String content) {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(temp, content + "\n", StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
