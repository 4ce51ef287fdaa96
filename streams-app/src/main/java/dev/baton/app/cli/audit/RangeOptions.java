package dev.baton.app.cli.audit;

import dev.baton.app.sink.audit.AuditFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** The time and offset range options shared by the audit verbs. */
final class RangeOptions {
  @Option(
      names = "--since",
      paramLabel = "TIME",
      converter = TimeConverter.class,
      description = "Only events at or after TIME (2026-11-27T22:00:00Z, 2026-11-27, or 2h ago).")
  Instant since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      converter = TimeConverter.class,
      description = "Only events before TIME.")
  Instant until;

  @Option(
      names = "--from-offset",
      paramLabel = "N",
      description = "Only events at or after offset N (in each partition).")
  Long fromOffset;

  @Option(
      names = "--to-offset",
      paramLabel = "N",
      description = "Only events at or before offset N (in each partition).")
  Long toOffset;

  @Option(names = "--partition", paramLabel = "P", description = "Only partition P (repeatable).")
  List<Integer> partitions = new ArrayList<>();

  AuditFilter filter(String key, List<String> types, String agent) {
    return new AuditFilter(
        since,
        until,
        fromOffset == null ? -1 : fromOffset,
        toOffset == null ? -1 : toOffset,
        new HashSet<>(partitions),
        key,
        new HashSet<>(types),
        agent);
  }

  AuditFilter filter() {
    return filter(null, List.of(), null);
  }
}
