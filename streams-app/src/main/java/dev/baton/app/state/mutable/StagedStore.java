package dev.baton.app.state.mutable;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store with a write buffer: writes stay in the buffer (and reads see them) until
 * {@link #commit()} writes them through, or {@link #discard()} drops them. This is what makes
 * applying one command's events all-or-nothing.
 */
final class StagedStore<K, V> {
  private final KeyValueStore<K, V> backing;

  /** Pending writes in order; a null value deletes. */
  private final Map<K, V> pending = new LinkedHashMap<>();

  StagedStore(KeyValueStore<K, V> backing) {
    this.backing = backing;
  }

  V get(K key) {
    return pending.containsKey(key) ? pending.get(key) : backing.get(key);
  }

  void put(K key, V value) {
    pending.put(key, value);
  }

  void delete(K key) {
    pending.put(key, null);
  }

  void commit() {
    for (Map.Entry<K, V> write : pending.entrySet()) {
      if (write.getValue() == null) {
        backing.delete(write.getKey());
      } else {
        backing.put(write.getKey(), write.getValue());
      }
    }
    pending.clear();
  }

  void discard() {
    pending.clear();
  }
}
