package dev.baton.app.state;

import dev.baton.sdk.protocol.ReplyTo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where the later outcome of a queued lock request goes besides the reply partition it was queued
 * with: the reply partitions of its retries ({@code reply-routes} store, command id -> {@link
 * Routes}).
 *
 * <p>A client that asked, crashed and came back (or a gateway restarted, or another node) reads
 * another partition of {@code baton.outcomes} than the one the request was queued with, and its
 * in-memory waiter is gone; the request itself waits on in the lock's queue. A retry with the same
 * command id is answered at once with where the request stands, and its reply partition is kept
 * here, so the grant, wait expiry or cancellation that ends the wait is sent there too. The entry
 * goes with that final outcome (after which the remembered outcome answers retries), or with the
 * remembered command id when the dedup retention ends. Like {@code command-outcomes} this is
 * delivery bookkeeping of the command processor, which alone uses it, not aggregate state: no event
 * changes it, and the lock's queue still names only the first reply partition.
 */
public final class RetryRoutes {
  /** Reply partitions kept per request; a retry beyond them replaces the oldest. */
  static final int MAX_ROUTES = 16;

  /**
   * The stored value: the reply partitions of a queued request's retries, oldest first; a null
   * element is a retry without {@code replyTo} (its outcomes are partitioned by command id).
   */
  public record Routes(List<ReplyTo> replyTo) {
    public Routes {
      replyTo =
          replyTo == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(replyTo));
    }
  }

  private final KeyValueStore<String, Routes> store;

  public RetryRoutes(KeyValueStore<String, Routes> store) {
    this.store = store;
  }

  /**
   * A retry of queued request {@code commandId} came with {@code retry}: its later outcome goes
   * there too, unless that is where it goes anyway ({@code queuedWith}) or already.
   */
  public void add(String commandId, ReplyTo queuedWith, ReplyTo retry) {
    if (Objects.equals(queuedWith, retry)) {
      return;
    }
    Routes known = store.get(commandId);
    List<ReplyTo> routes = new ArrayList<>(known == null ? List.of() : known.replyTo());
    if (routes.contains(retry)) {
      return;
    }
    routes.add(retry);
    while (routes.size() > MAX_ROUTES) {
      routes.remove(0);
    }
    store.put(commandId, new Routes(routes));
  }

  /**
   * The reply partitions the final outcome of {@code commandId} goes to besides {@code queuedWith};
   * forgets them, since nothing follows a final outcome.
   */
  public List<ReplyTo> take(String commandId, ReplyTo queuedWith) {
    Routes known = store.get(commandId);
    if (known == null) {
      return List.of();
    }
    store.delete(commandId);
    return known.replyTo().stream().filter(r -> !Objects.equals(r, queuedWith)).toList();
  }

  /** The remembered command id {@code commandId} is forgotten: so are its routes. */
  public void forget(String commandId) {
    // Read first: most command ids never had a route, and a delete would log a tombstone each.
    if (store.get(commandId) != null) {
      store.delete(commandId);
    }
  }
}
