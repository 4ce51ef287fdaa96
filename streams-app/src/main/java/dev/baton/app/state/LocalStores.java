package dev.baton.app.state;

import java.util.SortedSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Where the query layer finds one store's partitions on this instance: the one way every query
 * class ({@link TaskQueries}, {@link LockQueries}) reaches the topology's stores. Over Kafka
 * Streams' interactive queries in the service ({@link #of}); over maps in tests. Read-only.
 *
 * @param <V> the store's values
 */
public interface LocalStores<V> {

  /** Which partition owns a key, and which instance ({@code host:port}) hosts it. */
  record KeyLocation(int partition, String activeHost) {}

  /** The value under a key when this instance owns it, else the owner. */
  record KeyRead<V>(V value, String remoteOwner) {
    public boolean isRemote() {
      return remoteOwner != null;
    }
  }

  /**
   * Partitions of the store this instance hosts as active.
   *
   * @throws InvalidStateStoreException when the stores are not queryable right now
   */
  SortedSet<Integer> localPartitions();

  /** The store of one local partition. */
  ReadOnlyKeyValueStore<String, V> partition(int partition);

  /**
   * The partition that owns {@code key} and the host serving it.
   *
   * @throws InvalidStateStoreException when ownership is unknown (rebalancing)
   */
  KeyLocation locate(String key);

  /** Reads {@code key} from its local partition, or names the instance that owns it. */
  default KeyRead<V> read(String key) {
    KeyLocation location = locate(key);
    if (!localPartitions().contains(location.partition())) {
      return new KeyRead<>(null, location.activeHost());
    }
    return new KeyRead<>(partition(location.partition()).get(key), null);
  }

  /** Store {@code storeName} of a running {@link KafkaStreams}. */
  static <V> LocalStores<V> of(KafkaStreams streams, String storeName) {
    return new KafkaLocalStores<>(streams, storeName);
  }
}
