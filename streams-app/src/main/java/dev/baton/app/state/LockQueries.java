package dev.baton.app.state;

import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.LockState;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

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
  private final LocalStores<LockState> access;

  public LockQueries(LocalStores<LockState> access) {
    this.access = Objects.requireNonNull(access, "access");
  }

  /** Queries over the local stores of a running {@link KafkaStreams}. */
  public static LockQueries of(KafkaStreams streams) {
    return new LockQueries(LocalStores.of(streams, StoreNames.LOCKS));
  }

  /** The result of looking up one lock. */
  public sealed interface Lookup permits Found, Missing, Remote {}

  public record Found(LockState lock) implements Lookup {}

  public record Missing() implements Lookup {}

  /** The lock lives on another instance, which the HTTP layer asks instead (one hop). */
  public record Remote(String owner) implements Lookup {}

  /** The lock on {@code resource} in {@code workspace}, if this instance owns it. */
  public Lookup get(String workspace, String resource) {
    LocalStores.KeyRead<LockState> read = access.read(AggregateKeys.lock(workspace, resource));
    if (read.isRemote()) {
      return new Remote(read.remoteOwner());
    }
    return read.value() == null ? new Missing() : new Found(read.value());
  }
}
