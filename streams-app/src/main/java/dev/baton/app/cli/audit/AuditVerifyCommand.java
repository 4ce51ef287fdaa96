package dev.baton.app.cli.audit;

import dev.baton.app.cli.BatonCli;
import dev.baton.app.sink.audit.AuditDirectory;
import dev.baton.app.sink.audit.AuditVerifier;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code baton audit verify}: offsets, JSON and the hash chain of every segment. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check every segment (compressed ones too): complete lines, valid JSON, each line's hash,"
          + " the chain from line to line and segment to segment, rising offsets, segment names.",
      "Exit 0 when intact; else exit 1 naming the first bad file, line and reason per partition."
    })
final class AuditVerifyCommand extends AuditVerb {
  @Mixin AuditFolder folder;

  @Override
  protected int run(PrintWriter out, PrintWriter err) {
    AuditDirectory dir = folder.open();
    long total = dir.partitions().stream().mapToLong(p -> dir.size(dir.segments(p))).sum();
    AuditVerifier.Report report;
    try (Progress progress = Progress.onTerminal("verify", total, dir::bytesRead)) {
      report = AuditVerifier.verify(dir, p -> out.println(summary(p)));
    }
    if (report.ok()) {
      out.printf(
          "OK: %d lines in %d segments of %d partitions%n",
          report.lines(), report.segments(), report.partitions().size());
      return BatonCli.OK;
    }
    for (AuditVerifier.PartitionReport p : report.partitions()) {
      p.problem().ifPresent(problem -> out.println("FAILED " + problem));
    }
    return BatonCli.FAILED;
  }

  private static String summary(AuditVerifier.PartitionReport p) {
    StringBuilder b =
        new StringBuilder()
            .append("partition ")
            .append(p.partition())
            .append(": ")
            .append(p.segments())
            .append(" segments, ")
            .append(p.lines())
            .append(" lines");
    if (p.lastOffset() >= 0 && p.problem().isEmpty()) {
      b.append(", last offset ").append(p.lastOffset()).append(", head ").append(p.headHash());
    }
    p.anchor()
        .ifPresent(
            a ->
                b.append(" (retention deleted ")
                    .append(a.deletedSegments())
                    .append(" segments up to offset ")
                    .append(a.lastOffset())
                    .append(')'));
    p.problem().ifPresent(x -> b.append(": FAILED at ").append(x.location()));
    return b.toString();
  }
}
