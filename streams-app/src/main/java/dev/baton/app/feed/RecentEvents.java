package dev.baton.app.feed;

import dev.baton.sdk.protocol.EventCursor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The recent past of {@code baton.events} on this node, in memory: what the shared tail read,
 * bounded by a count and a byte budget (oldest evicted first). Every reader near the head is served
 * from here without touching Kafka.
 *
 * <p>Per partition it knows {@code coveredFrom}, the lowest position from which it holds every
 * committed event up to {@code tail} (the tail consumer's position). A cursor at or after {@code
 * coveredFrom} on every partition is answered here; one further back is {@link Behind} and goes to
 * the catch-up readers for those partitions.
 *
 * <p>Thread-safe: the tail appends under the write lock, readers read under the read lock, so an
 * answer and its cursor are one consistent snapshot.
 */
final class RecentEvents {
  /** What a read found: a page, or partitions this buffer no longer (or never) covered. */
  sealed interface Read permits Served, Behind {}

  /** Answered from memory. */
  record Served(FeedPage page) implements Read {}

  /**
   * The cursor is older than the buffer on some partitions; read them from Kafka up to {@code
   * until} (exclusive), where the buffer takes over.
   */
  record Behind(Map<Integer, Long> until) implements Read {}

  private static final class Window {
    long coveredFrom;
    long tail;
    final ArrayList<FeedEntry> entries = new ArrayList<>();
    int head;

    Window(long position) {
      this.coveredFrom = position;
      this.tail = position;
    }

    int size() {
      return entries.size() - head;
    }

    FeedEntry get(int i) {
      return entries.get(head + i);
    }

    /** Index (relative to head) of the first entry at or after {@code offset}. */
    int firstAtOrAfter(long offset) {
      int lo = 0;
      int hi = size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (get(mid).offset() < offset) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    void evictFirst() {
      FeedEntry gone = entries.get(head);
      entries.set(head, null);
      head++;
      coveredFrom = gone.offset() + 1;
      if (head > 1024 && head > entries.size() / 2) {
        entries.subList(0, head).clear();
        head = 0;
      }
    }
  }

  private final int maxEvents;
  private final long maxBytes;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<Integer, Window> windows = new HashMap<>();
  private final ArrayDeque<FeedEntry> byArrival = new ArrayDeque<>();
  private long bytes;

  RecentEvents(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /** Starts covering each partition from the given position (the tail's start). */
  void start(Map<Integer, Long> positions) {
    lock.writeLock().lock();
    try {
      positions.forEach((p, o) -> windows.put(p, new Window(o)));
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Adds what the tail read and moves each partition's tail to {@code positions}. */
  void append(List<FeedEntry> entries, Map<Integer, Long> positions) {
    lock.writeLock().lock();
    try {
      for (FeedEntry e : entries) {
        Window w = windows.get(e.partition());
        if (w == null || e.offset() < w.tail) {
          continue;
        }
        w.entries.add(e);
        w.tail = e.offset() + 1;
        byArrival.addLast(e);
        bytes += e.weight();
      }
      positions.forEach(
          (p, o) -> {
            Window w = windows.get(p);
            if (w != null && o > w.tail) {
              w.tail = o;
            }
          });
      while (!byArrival.isEmpty() && (byArrival.size() > maxEvents || bytes > maxBytes)) {
        FeedEntry oldest = byArrival.removeFirst();
        bytes -= oldest.weight();
        windows.get(oldest.partition()).evictFirst();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The tail's position on every partition: "now". */
  EventCursor now() {
    lock.readLock().lock();
    try {
      Map<Integer, Long> now = new TreeMap<>();
      windows.forEach((p, w) -> now.put(p, w.tail));
      return new EventCursor(now);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The partitions of the topic this node tails. */
  int partitions() {
    lock.readLock().lock();
    try {
      return windows.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Events held and their weight in bytes, for metrics and the docs' memory bound. */
  long[] usage() {
    lock.readLock().lock();
    try {
      return new long[] {byArrival.size(), bytes};
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Reads from {@code query.from()}: the matching events in arrival order (log order per partition)
   * up to the limit, or {@link Behind} when a partition's position is older than the buffer.
   */
  Read read(FeedQuery query) {
    lock.readLock().lock();
    try {
      EventCursor from = query.from();
      Map<Integer, Long> behind = new TreeMap<>();
      windows.forEach(
          (p, w) -> {
            if (from.position(p) < w.coveredFrom) {
              behind.put(p, w.coveredFrom);
            }
          });
      if (!behind.isEmpty()) {
        return new Behind(behind);
      }
      return new Served(scan(query));
    } finally {
      lock.readLock().unlock();
    }
  }

  private FeedPage scan(FeedQuery query) {
    EventCursor from = query.from();
    List<Integer> ids = new ArrayList<>(windows.keySet());
    int n = ids.size();
    Window[] ws = new Window[n];
    int[] next = new int[n];
    for (int i = 0; i < n; i++) {
      ws[i] = windows.get(ids.get(i));
      next[i] = ws[i].firstAtOrAfter(from.position(ids.get(i)));
    }
    List<FeedEntry> out = new ArrayList<>();
    boolean cut = false;
    long skipped = 0;
    while (true) {
      int pick = -1;
      for (int i = 0; i < n; i++) {
        if (next[i] < ws[i].size()
            && (pick < 0 || ws[i].get(next[i]).seq() < ws[pick].get(next[pick]).seq())) {
          pick = i;
        }
      }
      if (pick < 0) {
        break;
      }
      FeedEntry e = ws[pick].get(next[pick]);
      if (e.matches(query)) {
        if (out.size() == query.limit()) {
          cut = true;
          break;
        }
        out.add(e);
      } else {
        skipped++;
      }
      next[pick]++;
    }
    Map<Integer, Long> positions = new TreeMap<>(from.positions());
    for (int i = 0; i < n; i++) {
      int p = ids.get(i);
      long position =
          next[i] < ws[i].size()
              ? ws[i].get(next[i]).offset()
              : Math.max(ws[i].tail, from.position(p));
      positions.put(p, Math.max(position, from.position(p)));
    }
    return new FeedPage(out, new EventCursor(positions), cut, skipped);
  }
}
