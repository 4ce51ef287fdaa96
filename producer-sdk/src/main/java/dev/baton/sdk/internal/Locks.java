package dev.baton.sdk.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.LockGrant;
import dev.baton.sdk.LockListener;
import dev.baton.sdk.LockOperations;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.CommandBodies;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Fence;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LockOperations} with automatic renewal: every grant is renewed at a third of its lease; a
 * renewal refused ({@code EXPIRED}, {@code NOT_HOLDER}) or not answered before the lease ends
 * reports the lock lost to the listeners.
 *
 * <p>A task write that releases its fenced grant ({@link WriteOptions#releaseLock()}) goes through
 * {@link #releasingWith}: accepted, the grant is forgotten (no more renewals, nothing to release on
 * close, no loss to report); rejected or unanswered, it stays held and renewed.
 */
final class Locks implements LockOperations {
  private static final Logger LOG = LoggerFactory.getLogger(Locks.class);

  private final BatonClient client;
  private final ScheduledExecutorService timer;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final List<LockListener> listeners = new CopyOnWriteArrayList<>();

  /** Grants a write-and-release is in flight for. */
  private final Set<Fence> releasing = ConcurrentHashMap.newKeySet();

  private record Held(LockGrant grant, Duration lease, ScheduledFuture<?> renewal) {}

  Locks(BatonClient client, ScheduledExecutorService timer) {
    this.client = client;
    this.timer = timer;
  }

  @Override
  public CompletableFuture<LockGrant> acquire(
      String resource, LockMode mode, Duration lease, Duration wait, Consumer<Outcome> onQueued) {
    Duration w = wait == null ? Duration.ZERO : wait;
    ObjectNode body =
        CommandBodies.tree(
            new CommandBodies.LockAcquire(
                resource, mode, lease == null ? null : lease.toMillis(), w.toMillis()));
    return client
        .submit(CommandType.LOCK_ACQUIRE, body, WriteOptions.NONE, onQueued, w)
        .thenApply(
            outcome -> {
              LockGrant grant =
                  new LockGrant(
                      resource, outcome.key(), mode, outcome.token(), outcome.leaseDeadline());
              Duration granted =
                  Duration.between(outcome.at(), outcome.leaseDeadline()).isNegative()
                      ? lease
                      : Duration.between(outcome.at(), outcome.leaseDeadline());
              keep(grant, granted);
              return grant;
            });
  }

  private void keep(LockGrant grant, Duration lease) {
    long every = Math.max(1, lease.toMillis() / 3);
    ScheduledFuture<?> renewal =
        timer.scheduleAtFixedRate(
            () -> renewQuietly(grant.resource()), every, every, TimeUnit.MILLISECONDS);
    Held previous = held.put(grant.resource(), new Held(grant, lease, renewal));
    if (previous != null) {
      previous.renewal().cancel(false);
    }
  }

  /**
   * Sends a task write that releases the grant {@code fence} names once accepted, and keeps the
   * books: on an accepted outcome (or a duplicate of one) the grant is forgotten before the
   * returned future completes. Renewals go on while the write is in flight, so a slow write cannot
   * let the lease run out; one refused meanwhile is not reported as a loss, since the write's own
   * release may have been the cause. A write that is rejected or unanswered leaves the grant held,
   * and the next renewal tells whether it still is.
   */
  CompletableFuture<Outcome> releasingWith(
      Fence fence, Supplier<CompletableFuture<Outcome>> write) {
    Held h = held.get(fence.resource());
    if (h == null || h.grant().token() != fence.token()) {
      // Not a grant this client keeps (already released, lost, or another client's): no books.
      return write.get();
    }
    releasing.add(fence);
    CompletableFuture<Outcome> sent;
    try {
      sent = write.get();
    } catch (RuntimeException e) {
      releasing.remove(fence);
      throw e;
    }
    return sent.whenComplete(
        (outcome, error) -> {
          if (error == null && outcome.isSuccess()) {
            forget(fence);
          }
          releasing.remove(fence);
        });
  }

  /** Drops the grant {@code fence} names, if still held, without telling anyone. */
  private void forget(Fence fence) {
    List<Held> removed = new ArrayList<>(1);
    held.computeIfPresent(
        fence.resource(),
        (resource, current) -> {
          if (current.grant().token() != fence.token()) {
            return current;
          }
          removed.add(current);
          return null;
        });
    removed.forEach(h -> h.renewal().cancel(false));
  }

  /** Whether this client still holds (and renews) a grant on {@code resource}. */
  boolean holds(String resource) {
    return held.containsKey(resource);
  }

  void renewQuietly(String resource) {
    Held h = held.get(resource);
    if (h == null) {
      return;
    }
    renew(resource)
        .whenComplete(
            (outcome, error) -> {
              if (error == null) {
                return;
              }
              Throwable cause = error.getCause() != null ? error.getCause() : error;
              boolean refused =
                  cause instanceof BatonRejectedException r
                      && (r.code() == OutcomeCode.EXPIRED
                          || r.code() == OutcomeCode.NOT_HOLDER
                          || r.code() == OutcomeCode.NOT_FOUND);
              if (refused || Instant.now().isAfter(h.grant().leaseDeadline())) {
                lost(resource, h, cause.getMessage());
              } else {
                LOG.warn("renewal of lock {} failed, will retry: {}", resource, cause.toString());
              }
            });
  }

  private void lost(String resource, Held h, String reason) {
    if (releasing.contains(h.grant().fence())) {
      LOG.debug("renewal of lock {} refused while a write releases it: {}", resource, reason);
      return;
    }
    if (held.remove(resource, h)) {
      h.renewal().cancel(false);
      for (LockListener l : listeners) {
        try {
          l.onLost(h.grant(), reason);
        } catch (RuntimeException e) {
          LOG.warn("lock listener failed", e);
        }
      }
    }
  }

  @Override
  public CompletableFuture<Outcome> renew(String resource) {
    Held h = held.get(resource);
    Long leaseMs = h != null && h.lease() != null ? h.lease().toMillis() : null;
    ObjectNode body = CommandBodies.tree(new CommandBodies.LockResource(resource, leaseMs));
    return client
        .submit(CommandType.LOCK_RENEW, body, WriteOptions.NONE)
        .thenApply(
            outcome -> {
              Held current = held.get(resource);
              if (current != null && outcome.leaseDeadline() != null) {
                LockGrant g = current.grant();
                held.replace(
                    resource,
                    current,
                    new Held(
                        new LockGrant(
                            g.resource(), g.key(), g.mode(), g.token(), outcome.leaseDeadline()),
                        current.lease(),
                        current.renewal()));
              }
              return outcome;
            });
  }

  @Override
  public CompletableFuture<Outcome> release(String resource) {
    Held h = held.remove(resource);
    if (h != null) {
      h.renewal().cancel(false);
    }
    return client.submit(
        CommandType.LOCK_RELEASE,
        CommandBodies.tree(new CommandBodies.LockResource(resource, null)),
        WriteOptions.NONE);
  }

  @Override
  public CompletableFuture<Outcome> cancel(String resource) {
    return client.submit(
        CommandType.LOCK_CANCEL,
        CommandBodies.tree(new CommandBodies.LockResource(resource, null)),
        WriteOptions.NONE);
  }

  @Override
  public void addListener(LockListener listener) {
    listeners.add(listener);
  }

  /** Releases every held lock, waiting briefly for the outcomes (client shutdown). */
  void releaseAll() {
    List<CompletableFuture<Outcome>> releases = held.keySet().stream().map(this::release).toList();
    try {
      CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("not every lock was released on close; their leases will expire: {}", e.toString());
    }
  }
}
