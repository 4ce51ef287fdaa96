package dev.baton.app.http;

import dev.baton.app.state.LocalStores;
import dev.baton.sdk.protocol.Task;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link LocalStores} over sorted in-memory maps, one per partition, with keys spread over
 * partitions the way Kafka does it (by hash). Counts open iterators, so tests can check that every
 * one is closed.
 */
final class InMemoryTaskStores implements LocalStores<Task> {
  private final List<NavigableMap<String, Task>> partitions = new ArrayList<>();
  private final AtomicInteger openIterators = new AtomicInteger();
  private volatile boolean queryable = true;
  private volatile String remoteOwner;
  private volatile SortedSet<Integer> hosted;

  InMemoryTaskStores(int partitionCount) {
    for (int i = 0; i < partitionCount; i++) {
      partitions.add(new TreeMap<>());
    }
  }

  void put(String key, Task task) {
    partitions.get(partitionOf(key)).put(key, task);
  }

  /** Makes every read fail as during a rebalance. */
  void setQueryable(boolean queryable) {
    this.queryable = queryable;
  }

  /** Makes every key look owned by another instance. */
  void setRemoteOwner(String owner) {
    this.remoteOwner = owner;
  }

  /** Makes this instance host only {@code partitions} (listings read only those). */
  void hostOnly(SortedSet<Integer> partitions) {
    this.hosted = new TreeSet<>(partitions);
  }

  int openIterators() {
    return openIterators.get();
  }

  /** How many partitions hold at least one entry. */
  long nonEmptyPartitions() {
    return partitions.stream().filter(p -> !p.isEmpty()).count();
  }

  @Override
  public SortedSet<Integer> localPartitions() {
    checkQueryable();
    if (hosted != null) {
      return new TreeSet<>(hosted);
    }
    SortedSet<Integer> local = new TreeSet<>();
    for (int i = 0; i < partitions.size(); i++) {
      local.add(i);
    }
    return local;
  }

  @Override
  public ReadOnlyKeyValueStore<String, Task> partition(int partition) {
    checkQueryable();
    return new Store(partitions.get(partition));
  }

  @Override
  public KeyLocation locate(String key) {
    checkQueryable();
    if (remoteOwner != null) {
      return new KeyLocation(partitions.size() + 7, remoteOwner);
    }
    return new KeyLocation(partitionOf(key), "127.0.0.1:0");
  }

  private int partitionOf(String key) {
    return Math.floorMod(key.hashCode(), partitions.size());
  }

  private void checkQueryable() {
    if (!queryable) {
      throw new InvalidStateStoreException("store tasks is migrating (test)");
    }
  }

  private final class Store implements ReadOnlyKeyValueStore<String, Task> {
    private final NavigableMap<String, Task> map;

    Store(NavigableMap<String, Task> map) {
      this.map = map;
    }

    @Override
    public Task get(String key) {
      return map.get(key);
    }

    @Override
    public KeyValueIterator<String, Task> range(String from, String to) {
      return new Iter(map.subMap(from, true, to, true).entrySet().iterator());
    }

    @Override
    public KeyValueIterator<String, Task> all() {
      return new Iter(map.entrySet().iterator());
    }

    @Override
    public long approximateNumEntries() {
      return map.size();
    }
  }

  private final class Iter implements KeyValueIterator<String, Task> {
    private final Iterator<Map.Entry<String, Task>> entries;
    private Map.Entry<String, Task> peeked;

    Iter(Iterator<Map.Entry<String, Task>> entries) {
      this.entries = entries;
      openIterators.incrementAndGet();
    }

    @Override
    public boolean hasNext() {
      return peeked != null || entries.hasNext();
    }

    @Override
    public KeyValue<String, Task> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Map.Entry<String, Task> e = peeked != null ? peeked : entries.next();
      peeked = null;
      return KeyValue.pair(e.getKey(), e.getValue());
    }

    @Override
    public String peekNextKey() {
      if (peeked == null && entries.hasNext()) {
        peeked = entries.next();
      }
      if (peeked == null) {
        throw new NoSuchElementException();
      }
      return peeked.getKey();
    }

    @Override
    public void close() {
      openIterators.decrementAndGet();
    }
  }
}
