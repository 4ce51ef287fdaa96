package dev.baton.app.state;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A time-ordered index over a key-value store: entries are keyed {@code <deadline as 16 hex
 * digits>|<kind>|<id>}, which sorts lexicographically in deadline order. {@link #due(long, int)}
 * reads only entries whose deadline has passed, so the cost of an expiry pass is proportional to
 * what expires, not to what is stored.
 */
public final class DeadlineIndex {
  private final KeyValueStore<String, String> store;

  public DeadlineIndex(KeyValueStore<String, String> store) {
    this.store = store;
  }

  /** One entry: what ({@code kind}, {@code id}) comes due when ({@code deadline}, epoch ms). */
  public record Entry(long deadline, String kind, String id) {
    /** The entry's key in the index's store. */
    public String indexKey() {
      return key(deadline, kind, id);
    }
  }

  public void add(long deadline, String kind, String id) {
    store.put(key(deadline, kind, id), "");
  }

  /** Up to {@code max} entries with deadline {@code <= now}, oldest first. */
  public List<Entry> due(long now, int max) {
    List<Entry> out = new ArrayList<>();
    // The upper bound is exclusive of the next millisecond's entries.
    try (KeyValueIterator<String, String> it = store.range(hex(0), hex(now + 1))) {
      while (it.hasNext() && out.size() < max) {
        KeyValue<String, String> kv = it.next();
        out.add(parse(kv.key));
      }
    }
    return out;
  }

  public void remove(Entry entry) {
    store.delete(entry.indexKey());
  }

  static String key(long deadline, String kind, String id) {
    return hex(deadline) + "|" + kind + "|" + id;
  }

  private static String hex(long value) {
    return String.format("%016x", Math.max(0, value));
  }

  private static Entry parse(String key) {
    int first = key.indexOf('|');
    int second = key.indexOf('|', first + 1);
    return new Entry(
        Long.parseUnsignedLong(key.substring(0, first), 16),
        key.substring(first + 1, second),
        key.substring(second + 1));
  }
}
