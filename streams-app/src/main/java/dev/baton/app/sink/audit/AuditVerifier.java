package dev.baton.app.sink.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Checks an audit folder: every partition's segments with {@link PartitionScanner}, stopping a
 * partition at its first problem. Needs no Kafka.
 */
public final class AuditVerifier {
  private AuditVerifier() {}

  /**
   * One partition's result.
   *
   * @param lines lines checked and found intact
   * @param lastOffset the offset of the newest intact line, -1 if none
   * @param headHash the hash of the newest intact line (worth keeping elsewhere: it anchors
   *     everything before it)
   * @param problem the first problem, if any
   */
  public record PartitionReport(
      int partition,
      int segments,
      long lines,
      long lastOffset,
      String headHash,
      Optional<RetentionAnchor> anchor,
      Optional<PartitionScanner.Problem> problem) {}

  /** The result over all partitions. */
  public record Report(List<PartitionReport> partitions) {
    public boolean ok() {
      return partitions.stream().allMatch(p -> p.problem().isEmpty());
    }

    /** The first problem in partition order. */
    public Optional<PartitionScanner.Problem> firstProblem() {
      return partitions.stream().flatMap(p -> p.problem().stream()).findFirst();
    }

    public long lines() {
      return partitions.stream().mapToLong(PartitionReport::lines).sum();
    }

    public int segments() {
      return partitions.stream().mapToInt(PartitionReport::segments).sum();
    }
  }

  public static Report verify(AuditDirectory dir) {
    return verify(dir, p -> {});
  }

  /** Verifies every partition, telling {@code done} about each as it finishes. */
  public static Report verify(AuditDirectory dir, Consumer<PartitionReport> done) {
    List<PartitionReport> reports = new ArrayList<>();
    for (int partition : dir.partitions()) {
      PartitionReport report = verify(dir, partition);
      done.accept(report);
      reports.add(report);
    }
    return new Report(List.copyOf(reports));
  }

  static PartitionReport verify(AuditDirectory dir, int partition) {
    try (PartitionScanner scanner = new PartitionScanner(dir, partition)) {
      long lines = 0;
      PartitionScanner.Item item;
      while ((item = scanner.next()) != null) {
        if (!item.ok()) {
          return report(scanner, lines, Optional.of(item.problem()));
        }
        lines++;
      }
      return report(scanner, lines, Optional.empty());
    }
  }

  private static PartitionReport report(
      PartitionScanner scanner, long lines, Optional<PartitionScanner.Problem> problem) {
    return new PartitionReport(
        scanner.partition(),
        scanner.segments().size(),
        lines,
        scanner.headOffset(),
        scanner.headHash(),
        scanner.anchor(),
        problem);
  }
}
