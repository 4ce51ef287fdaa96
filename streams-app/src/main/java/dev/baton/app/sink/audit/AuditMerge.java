package dev.baton.app.sink.audit;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The lines of all partitions merged into one stream ordered by timestamp (then partition, then
 * offset), in constant memory: one scanner per partition and one line from each at a time. Within a
 * partition lines keep their offset order; timestamps set by producers can step back a little, and
 * the merge then follows the partition's order.
 *
 * <p>Lines with a problem are passed to {@code problems} and left out.
 */
public final class AuditMerge implements Closeable {
  private static final Comparator<Head> ORDER =
      Comparator.<Head>comparingLong(h -> h.item.line().timestamp())
          .thenComparingInt(h -> h.item.line().partition())
          .thenComparingLong(h -> h.item.line().offset());

  private final AuditFilter filter;
  private final Consumer<PartitionScanner.Problem> problems;
  private final List<PartitionScanner> scanners = new ArrayList<>();
  private final PriorityQueue<Head> heads = new PriorityQueue<>(ORDER);

  private record Head(PartitionScanner scanner, PartitionScanner.Item item) {}

  public AuditMerge(
      AuditDirectory dir, AuditFilter filter, Consumer<PartitionScanner.Problem> problems) {
    this.filter = filter;
    this.problems = problems;
    for (int partition : dir.partitions()) {
      if (filter.includesPartition(partition)) {
        PartitionScanner scanner = new PartitionScanner(dir, partition, filter.fromOffset());
        scanners.add(scanner);
        advance(scanner);
      }
    }
  }

  /** The next matching line, or null at the end. */
  public PartitionScanner.Item next() {
    Head head = heads.poll();
    if (head == null) {
      return null;
    }
    advance(head.scanner);
    return head.item;
  }

  private void advance(PartitionScanner scanner) {
    PartitionScanner.Item item;
    while ((item = scanner.next()) != null) {
      if (!item.ok()) {
        problems.accept(item.problem());
        continue;
      }
      if (filter.beyondRange(item.line().offset())) {
        break;
      }
      if (filter.matches(item.line())) {
        heads.add(new Head(scanner, item));
        return;
      }
    }
    scanner.close();
  }

  @Override
  public void close() {
    scanners.forEach(PartitionScanner::close);
  }
}
