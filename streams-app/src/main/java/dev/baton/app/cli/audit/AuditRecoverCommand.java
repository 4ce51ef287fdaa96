package dev.baton.app.cli.audit;

import dev.baton.app.cli.BatonCli;
import dev.baton.app.io.DurableFiles;
import dev.baton.app.sink.audit.AuditDirectory;
import dev.baton.app.sink.audit.AuditRecovery;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    try {
      if (outFile == null) {
        state.writeTo(out);
        out.flush();
      } else {
        DurableFiles.write(
            outFile,
            file -> {
              Writer writer =
                  new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8), 1 << 16);
              state.writeTo(writer);
              writer.flush();
            });
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the state" + (outFile == null ? "" : " to " + outFile), e);
    }
    err.printf(
        "recovered %d tasks and %d locks from %d events%s%n",
        state.tasks().size(),
        state.locks().size(),
        state.events() - start.events(),
        state.problems() == 0 ? "" : "; " + state.problems() + " damaged lines not applied");
    return state.problems() == 0 ? BatonCli.OK : BatonCli.FAILED;
  }
}
