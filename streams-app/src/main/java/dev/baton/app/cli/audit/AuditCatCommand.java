package dev.baton.app.cli.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.app.cli.BatonCli;
import dev.baton.app.sink.audit.AuditDirectory;
import dev.baton.app.sink.audit.AuditLine;
import dev.baton.app.sink.audit.AuditMerge;
import dev.baton.app.sink.audit.PartitionScanner;
import dev.baton.sdk.protocol.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baton audit cat}: events of all partitions, merged in time order, filtered. */
@Command(
    name = "cat",
    mixinStandardHelpOptions = true,
    description = {
      "Print the audit trail's events, merged across partitions in time order (within a"
          + " partition in offset order). Reads compressed segments too; memory stays constant.",
      "Damaged lines are left out and named on stderr (exit 1 if there were any)."
    })
final class AuditCatCommand extends AuditVerb {
  enum Format {
    jsonl,
    event,
    text
  }

  @Mixin AuditFolder folder;
  @Mixin RangeOptions range;

  @Option(
      names = "--key",
      paramLabel = "KEY",
      description = "Only events of this aggregate key; a trailing * matches a prefix.")
  String key;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "Only events of this type, e.g. task.created (repeatable).")
  List<String> types = new ArrayList<>();

  @Option(names = "--agent", paramLabel = "AGENT", description = "Only events of this agent.")
  String agent;

  @Option(
      names = "--tail",
      paramLabel = "N",
      description = "Only the last N events (after the other filters).")
  Integer tail;

  @Option(
      names = "--format",
      defaultValue = "jsonl",
      description =
          "jsonl: the stored lines; event: the events alone; text: one readable line each"
              + " (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  protected int run(PrintWriter out, PrintWriter err) {
    if (tail != null && tail < 0) {
      throw new AuditCliException("--tail must be >= 0, not " + tail);
    }
    AuditDirectory dir = folder.open();
    long total = dir.partitions().stream().mapToLong(p -> dir.size(dir.segments(p))).sum();
    long[] problems = {0};
    ArrayDeque<String> last = new ArrayDeque<>();
    try (Progress progress = Progress.onTerminal("cat", total, dir::bytesRead);
        AuditMerge merge =
            new AuditMerge(
                dir,
                range.filter(key, types, agent),
                p -> {
                  problems[0]++;
                  err.println("skipped " + p);
                })) {
      PartitionScanner.Item item;
      while ((item = merge.next()) != null) {
        progress.step();
        String text = render(item);
        if (tail == null) {
          out.write(text);
          out.write('\n');
        } else if (tail > 0) {
          if (last.size() == tail) {
            last.removeFirst();
          }
          last.addLast(text);
        }
      }
    }
    for (String text : last) {
      out.write(text);
      out.write('\n');
    }
    return problems[0] == 0 ? BatonCli.OK : BatonCli.FAILED;
  }

  private String render(PartitionScanner.Item item) {
    AuditLine line = item.line();
    return switch (format) {
      case jsonl -> new String(item.bytes(), StandardCharsets.UTF_8);
      case event -> eventJson(line);
      case text -> text(line);
    };
  }

  private static String eventJson(AuditLine line) {
    try {
      if (!line.hasJsonEvent()) {
        return Json.mapper()
            .writeValueAsString(
                java.util.Map.of("raw", Base64.getEncoder().encodeToString(line.raw())));
      }
      return line.eventBytes() == null
          ? "null"
          : new String(line.eventBytes(), StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an event", e);
    }
  }

  private static String text(AuditLine line) {
    StringBuilder b = new StringBuilder();
    b.append(Instant.ofEpochMilli(line.timestamp()))
        .append("  p")
        .append(line.partition())
        .append('@')
        .append(line.offset());
    if (line.eventBytes() == null) {
      return b.append(line.hasJsonEvent() ? "  (no value)" : "  (not JSON)").toString();
    }
    AuditLine.EventSummary e = line.summary();
    if (e == null) {
      return b.append("  (not an event)").toString();
    }
    b.append("  ").append(e.type() == null ? "?" : e.type());
    b.append("  ").append(e.key() != null ? e.key() : line.key() == null ? "?" : line.key());
    if (e.version() != null) {
      b.append("  v").append(e.version());
    }
    if (e.agent() != null) {
      b.append("  ").append(e.agent());
    }
    return b.toString();
  }
}
