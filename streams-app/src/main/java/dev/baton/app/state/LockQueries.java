package dev.baton.app.state;

import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.LockState;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read-only view of the {@code locks} store for queries (the HTTP API). It never writes.
 *
 * <p>A lock lives under its aggregate key ({@link AggregateKeys#lock}), so a lock on {@code
 * task/<id>} is found under the task's key. Locks are never deleted (their token counter must keep
 * rising), so a free lock is found with no holders; {@link Missing} means no request ever named the
 * resource. A store that is not queryable right now surfaces as Kafka's {@link
 * InvalidStateStoreException}, which callers answer with "retry shortly".
 */
public final class LockQueries {
  private final StoreAccess access;

  public LockQueries(StoreAccess access) {
    this.access = Objects.requireNonNull(access, "access");
  }

  /** Queries over the local stores of a running {@link KafkaStreams}. */
  public static LockQueries of(KafkaStreams streams) {
    return new LockQueries(new KafkaStoreAccess(streams));
  }

  /** Where the query layer finds the {@code locks} store's partitions. */
  public interface StoreAccess {
    /**
     * Whether this instance hosts {@code partition} of the {@code locks} store as active.
     *
     * @throws InvalidStateStoreException when the stores are not queryable right now
     */
    boolean isLocal(int partition);

    /** The store of one local partition. */
    ReadOnlyKeyValueStore<String, LockState> partition(int partition);

    /**
     * The partition that owns {@code key} and the host ({@code host:port}) serving it.
     *
     * @throws InvalidStateStoreException when ownership is unknown (rebalancing)
     */
    TaskQueries.KeyLocation locate(String key);
  }

  /** The result of looking up one lock. */
  public sealed interface Lookup permits Found, Missing, Remote {}

  public record Found(LockState lock) implements Lookup {}

  public record Missing() implements Lookup {}

  /** The lock lives on another instance, which the HTTP layer asks instead (one hop). */
  public record Remote(String owner) implements Lookup {}

  /** The lock on {@code resource} in {@code workspace}, if this instance owns it. */
  public Lookup get(String workspace, String resource) {
    String key = AggregateKeys.lock(workspace, resource);
    TaskQueries.KeyLocation location = access.locate(key);
    if (!access.isLocal(location.partition())) {
      return new Remote(location.activeHost());
    }
    LockState lock = access.partition(location.partition()).get(key);
    return lock == null ? new Missing() : new Found(lock);
  }

  /** {@link StoreAccess} through Kafka Streams' interactive queries. */
  private static final class KafkaStoreAccess implements StoreAccess {
    private final KafkaStreams streams;

    KafkaStoreAccess(KafkaStreams streams) {
      this.streams = Objects.requireNonNull(streams, "streams");
    }

    @Override
    public boolean isLocal(int partition) {
      KafkaStreams.State state = streams.state();
      if (state != KafkaStreams.State.RUNNING) {
        throw new InvalidStateStoreException(
            "store " + StoreNames.LOCKS + " is not queryable while Kafka Streams is " + state);
      }
      // The topology has one sub-topology, so a task's partition is its store's partition.
      for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
        for (TaskMetadata task : thread.activeTasks()) {
          if (task.taskId().partition() == partition) {
            return true;
          }
        }
      }
      return false;
    }

    @Override
    public ReadOnlyKeyValueStore<String, LockState> partition(int partition) {
      return streams.store(
          StoreQueryParameters.fromNameAndType(
                  StoreNames.LOCKS, QueryableStoreTypes.<String, LockState>keyValueStore())
              .withPartition(partition));
    }

    @Override
    public TaskQueries.KeyLocation locate(String key) {
      KeyQueryMetadata metadata =
          streams.queryMetadataForKey(StoreNames.LOCKS, key, Serdes.String().serializer());
      if (metadata == null || metadata.partition() < 0) {
        throw new InvalidStateStoreException(
            "the owner of key " + key + " is not known right now (rebalancing)");
      }
      return new TaskQueries.KeyLocation(
          metadata.partition(), metadata.activeHost().host() + ":" + metadata.activeHost().port());
    }
  }
}
