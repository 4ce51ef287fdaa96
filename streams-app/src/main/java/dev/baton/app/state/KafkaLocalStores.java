package dev.baton.app.state;

import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** {@link LocalStores} through Kafka Streams' interactive queries. */
final class KafkaLocalStores<V> implements LocalStores<V> {
  private final KafkaStreams streams;
  private final String storeName;

  KafkaLocalStores(KafkaStreams streams, String storeName) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.storeName = Objects.requireNonNull(storeName, "storeName");
  }

  @Override
  public SortedSet<Integer> localPartitions() {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      // While rebalancing the set of local tasks is in flux: a listing could silently miss
      // partitions, so refuse instead.
      throw new InvalidStateStoreException(
          "store " + storeName + " is not queryable while Kafka Streams is " + state);
    }
    SortedSet<Integer> partitions = new TreeSet<>();
    // The topology has one sub-topology, so a task's partition is its store's partition.
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : thread.activeTasks()) {
        partitions.add(task.taskId().partition());
      }
    }
    return partitions;
  }

  @Override
  public ReadOnlyKeyValueStore<String, V> partition(int partition) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
                storeName, QueryableStoreTypes.<String, V>keyValueStore())
            .withPartition(partition));
  }

  @Override
  public KeyLocation locate(String key) {
    KeyQueryMetadata metadata =
        streams.queryMetadataForKey(storeName, key, Serdes.String().serializer());
    if (metadata == null || metadata.partition() < 0) {
      throw new InvalidStateStoreException(
          "the owner of key " + key + " is not known right now (rebalancing)");
    }
    return new KeyLocation(
        metadata.partition(), metadata.activeHost().host() + ":" + metadata.activeHost().port());
  }
}
