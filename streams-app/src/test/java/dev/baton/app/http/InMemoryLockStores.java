package dev.baton.app.http;

import dev.baton.app.state.LocalStores;
import dev.baton.sdk.protocol.LockState;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link LocalStores} over one in-memory map (a single local partition), with switches for a store
 * that is not queryable and for a key owned by another instance.
 */
final class InMemoryLockStores implements LocalStores<LockState> {
  private final Map<String, LockState> locks = new ConcurrentHashMap<>();
  private volatile boolean queryable = true;
  private volatile String remoteOwner;

  void put(LockState lock) {
    locks.put(lock.key(), lock);
  }

  void setQueryable(boolean queryable) {
    this.queryable = queryable;
  }

  void setRemoteOwner(String owner) {
    this.remoteOwner = owner;
  }

  @Override
  public SortedSet<Integer> localPartitions() {
    checkQueryable();
    return new TreeSet<>(Set.of(0));
  }

  @Override
  public ReadOnlyKeyValueStore<String, LockState> partition(int partition) {
    checkQueryable();
    return new ReadOnlyKeyValueStore<>() {
      @Override
      public LockState get(String key) {
        return locks.get(key);
      }

      @Override
      public KeyValueIterator<String, LockState> range(String from, String to) {
        throw new UnsupportedOperationException("lock queries read single keys");
      }

      @Override
      public KeyValueIterator<String, LockState> all() {
        throw new UnsupportedOperationException("lock queries read single keys");
      }

      @Override
      public long approximateNumEntries() {
        return locks.size();
      }
    };
  }

  @Override
  public KeyLocation locate(String key) {
    checkQueryable();
    return remoteOwner == null
        ? new KeyLocation(0, "127.0.0.1:0")
        : new KeyLocation(1, remoteOwner);
  }

  private void checkQueryable() {
    if (!queryable) {
      throw new InvalidStateStoreException("store locks is migrating (test)");
    }
  }
}
