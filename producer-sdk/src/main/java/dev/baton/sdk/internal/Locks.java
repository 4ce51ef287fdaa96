package dev.baton.sdk.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.LockGrant;
import dev.baton.sdk.LockListener;
import dev.baton.sdk.LockOperations;
import dev.baton.sdk.LockRequest;
import dev.baton.sdk.LockStatus;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.CommandBodies;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Fence;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LockOperations} with automatic renewal: every grant is renewed at a third of its lease. A
 * renewal refused ({@code EXPIRED}, {@code NOT_HOLDER}) reports the lock lost at once; without a
 * confirmed renewal the loss is reported at the local lease deadline (send time of the last
 * confirmed grant or renewal plus the lease), not when some request times out.
 *
 * <p>Requests still waiting in a queue are tracked too: cancelling the future an acquire returned,
 * or closing, sends {@code lock.cancel}, and a grant that arrives anyway is released.
 *
 * <p>A task write that releases its fenced grant ({@link WriteOptions#releaseLock()}) goes through
 * {@link #releasingWith}: accepted, the grant is forgotten (no more renewals, nothing to release on
 * close, no loss to report); rejected or unanswered, it stays held and renewed.
 */
final class Locks implements LockOperations {
  private static final Logger LOG = LoggerFactory.getLogger(Locks.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final Sender sender;
  private final Function<String, CompletableFuture<Optional<LockStatus>>> status;
  private final ScheduledExecutorService timer;
  private final Callbacks callbacks;
  private final Runnable onFirstUse;
  private final Map<String, HeldLock> held = new ConcurrentHashMap<>();
  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
  private final List<LockListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean used = new AtomicBoolean();
  private volatile boolean closed;

  /** Grants a write-and-release is in flight for. */
  private final Set<Fence> releasing = ConcurrentHashMap.newKeySet();

  /**
   * An acquire not answered yet: the future the caller holds, and the stage that has finished the
   * books (kept or released the grant) once the answer came.
   */
  private record Waiting(
      String resource, CompletableFuture<LockGrant> result, CompletableFuture<?> booked) {}

  /**
   * @param status reads a lock's status (through the HTTP API)
   * @param onFirstUse run before the first acquire (a view registers with its base client, which
   *     then releases the view's locks when it closes)
   */
  Locks(
      Sender sender,
      Function<String, CompletableFuture<Optional<LockStatus>>> status,
      ScheduledExecutorService timer,
      Callbacks callbacks,
      Runnable onFirstUse) {
    this.sender = sender;
    this.status = status;
    this.timer = timer;
    this.callbacks = callbacks;
    this.onFirstUse = onFirstUse;
  }

  @Override
  public CompletableFuture<LockGrant> acquire(LockRequest r) {
    if (closed) {
      // Releases and cancels still go out while closing; new requests do not.
      return CompletableFuture.failedFuture(
          new BatonException(
              "client is closed; lock " + r.resource() + " not requested", false, null));
    }
    if (used.compareAndSet(false, true)) {
      onFirstUse.run();
    }
    ObjectNode body =
        CommandBodies.tree(
            new CommandBodies.LockAcquire(
                r.resource(),
                r.mode(),
                r.lease() == null ? null : r.lease().toMillis(),
                r.maxWait().toMillis()));
    String commandId = r.commandId() == null ? CommandIds.next() : r.commandId();
    AtomicBoolean queued = new AtomicBoolean();
    long sentNanos = System.nanoTime();
    CompletableFuture<Outcome> sent =
        sender.submit(
            CommandType.LOCK_ACQUIRE,
            body,
            WriteOptions.NONE.withCommandId(commandId),
            outcome -> {
              queued.set(true);
              r.onQueued().accept(outcome);
            },
            r.maxWait());
    CompletableFuture<LockGrant> result = new CompletableFuture<>();
    CompletableFuture<?> booked =
        sent.whenComplete(
            (outcome, error) -> {
              if (error != null) {
                result.completeExceptionally(unwrap(error));
                return;
              }
              // A grant after waiting in the queue, or one a retry is told of (DUPLICATE): its
              // lease started at an unknown point, maybe before this send, so count from now and
              // renew at once to learn a safe deadline.
              boolean late = queued.get() || outcome.status() == OutcomeStatus.DUPLICATE;
              HeldLock grant = keep(r, outcome, late ? System.nanoTime() : sentNanos, late);
              if (!result.complete(grant)) {
                LOG.debug("lock {} granted after its request was cancelled; releasing", grant);
                release(grant);
              }
            });
    Waiting w = new Waiting(r.resource(), result, booked);
    waiting.put(commandId, w);
    booked.whenComplete((x, e) -> waiting.remove(commandId, w));
    result.whenComplete(
        (g, e) -> {
          if (e instanceof CancellationException && waiting.remove(commandId, w)) {
            cancel(r.resource(), null);
          }
        });
    return result;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private HeldLock keep(LockRequest r, Outcome outcome, long startNanos, boolean renewNow) {
    Duration granted =
        outcome.at() == null
                || outcome.leaseDeadline() == null
                || !outcome.leaseDeadline().isAfter(outcome.at())
            ? r.lease()
            : Duration.between(outcome.at(), outcome.leaseDeadline());
    HeldLock previous = held.get(r.resource());
    if (previous != null && previous.token() == outcome.token()) {
      // The same agent asked again for a lock it holds: the same hold, one handle.
      previous.renewed(outcome.leaseDeadline(), startNanos);
      if (r.onLost() != null) {
        previous.onLost(r.onLost());
      }
      return previous;
    }
    HeldLock grant = new HeldLock(this, r.resource(), outcome, r.mode(), granted);
    if (r.onLost() != null) {
      grant.onLost(r.onLost());
    }
    long every = Math.max(1, granted.toMillis() / 3);
    ScheduledFuture<?> renewal =
        timer.scheduleAtFixedRate(
            () -> renewQuietly(r.resource()), every, every, TimeUnit.MILLISECONDS);
    grant.start(renewal, startNanos + granted.toNanos());
    HeldLock replaced = held.put(r.resource(), grant);
    if (replaced != null) {
      replaced.end(null);
    }
    scheduleExpiry(grant);
    if (renewNow) {
      // Only once the grant is held: a renewal that ran before would find nothing to renew.
      timer.execute(() -> renewQuietly(r.resource()));
    }
    return grant;
  }

  private void scheduleExpiry(HeldLock grant) {
    long delay = Math.max(0, grant.localDeadlineNanos() - System.nanoTime());
    grant.expiry(timer.schedule(() -> checkExpiry(grant), delay, TimeUnit.NANOSECONDS));
  }

  /** At the local deadline: lost unless a renewal moved the deadline meanwhile. */
  private void checkExpiry(HeldLock grant) {
    if (held.get(grant.resource()) != grant) {
      return;
    }
    if (System.nanoTime() < grant.localDeadlineNanos()) {
      scheduleExpiry(grant);
      return;
    }
    lost(
        grant,
        "no renewal confirmed before the lease of "
            + grant.lease().toMillis()
            + " ms ran out (Baton unreachable or not answering)",
        false);
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
    HeldLock h = held.get(fence.resource());
    if (h == null || h.token() != fence.token()) {
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
    List<HeldLock> removed = new ArrayList<>(1);
    held.computeIfPresent(
        fence.resource(),
        (resource, current) -> {
          if (current.token() != fence.token()) {
            return current;
          }
          removed.add(current);
          return null;
        });
    removed.forEach(h -> h.end(null));
  }

  /** Whether this client still holds (and renews) a grant on {@code resource}. */
  boolean holds(String resource) {
    return held.containsKey(resource);
  }

  void renewQuietly(String resource) {
    HeldLock h = held.get(resource);
    if (h == null) {
      return;
    }
    renew(h, null)
        .whenComplete(
            (outcome, error) -> {
              if (error == null) {
                return;
              }
              Throwable cause = unwrap(error);
              boolean refused =
                  cause instanceof BatonRejectedException r
                      && (r.code() == OutcomeCode.EXPIRED
                          || r.code() == OutcomeCode.NOT_HOLDER
                          || r.code() == OutcomeCode.NOT_FOUND);
              if (refused) {
                lost(h, cause.getMessage(), true);
              } else {
                LOG.warn("renewal of lock {} failed, will retry: {}", resource, cause.toString());
              }
            });
  }

  private void lost(HeldLock h, String reason, boolean refused) {
    if (refused && releasing.contains(h.fence())) {
      LOG.debug("renewal of lock {} refused while a write releases it: {}", h, reason);
      return;
    }
    if (held.remove(h.resource(), h)) {
      LOG.warn("lost {}: {}", h, reason);
      List<LockListener> own = h.end(reason);
      for (LockListener l : listeners) {
        tell(l, h, reason);
      }
      for (LockListener l : own) {
        tell(l, h, reason);
      }
    }
  }

  void tell(LockListener listener, LockGrant grant, String reason) {
    callbacks.run("lock listener", () -> listener.onLost(grant, reason));
  }

  @Override
  public CompletableFuture<Outcome> renew(String resource, String commandId) {
    HeldLock h = held.get(resource);
    return h == null
        ? send(CommandType.LOCK_RENEW, resource, null, commandId)
        : renew(h, commandId);
  }

  private CompletableFuture<Outcome> renew(HeldLock h, String commandId) {
    long sentNanos = System.nanoTime();
    return send(CommandType.LOCK_RENEW, h.resource(), h.lease(), commandId)
        .thenApply(
            outcome -> {
              h.renewed(outcome.leaseDeadline(), sentNanos);
              return outcome;
            });
  }

  @Override
  public CompletableFuture<Outcome> release(String resource, String commandId) {
    HeldLock h = held.remove(resource);
    if (h != null) {
      h.end(null);
    }
    return send(CommandType.LOCK_RELEASE, resource, null, commandId);
  }

  /** Releases {@code grant} if it is still the one held; completes with null when it is not. */
  CompletableFuture<Outcome> release(HeldLock grant) {
    if (!held.remove(grant.resource(), grant)) {
      return CompletableFuture.completedFuture(null);
    }
    grant.end(null);
    return send(CommandType.LOCK_RELEASE, grant.resource(), null, null);
  }

  @Override
  public CompletableFuture<Outcome> cancel(String resource, String commandId) {
    return send(CommandType.LOCK_CANCEL, resource, null, commandId);
  }

  private CompletableFuture<Outcome> send(
      CommandType type, String resource, Duration lease, String commandId) {
    ObjectNode body =
        CommandBodies.tree(
            new CommandBodies.LockResource(resource, lease == null ? null : lease.toMillis()));
    return sender.submit(type, body, WriteOptions.NONE.withCommandId(commandId));
  }

  @Override
  public CompletableFuture<Optional<LockStatus>> status(String resource) {
    return status.apply(resource);
  }

  @Override
  public void addListener(LockListener listener) {
    listeners.add(listener);
  }

  Duration closeWait() {
    return CLOSE_WAIT;
  }

  /**
   * Client shutdown: cancels the requests still waiting (and waits until each is answered, so that
   * a grant that raced the cancel is known), then releases every held lock, waiting briefly.
   */
  void releaseAll() {
    closed = true;
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    List<CompletableFuture<?>> cancels = new ArrayList<>();
    BatonException closed =
        new BatonException("client closed while waiting for the lock", false, null);
    for (Map.Entry<String, Waiting> e : Map.copyOf(waiting).entrySet()) {
      Waiting w = e.getValue();
      if (waiting.remove(e.getKey(), w)) {
        cancels.add(cancel(w.resource(), null).handle((o, x) -> null));
        cancels.add(w.booked().handle((o, x) -> null));
        w.result().completeExceptionally(closed);
      }
    }
    await(cancels, deadline, "not every queued lock request was cancelled on close");
    List<CompletableFuture<?>> releases = new ArrayList<>();
    for (String resource : List.copyOf(held.keySet())) {
      releases.add(release(resource, null));
    }
    await(releases, deadline, "not every lock was released on close; their leases will expire");
  }

  private static void await(List<CompletableFuture<?>> futures, long deadline, String failure) {
    if (futures.isEmpty()) {
      return;
    }
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("{}: {}", failure, e.toString());
    }
  }
}
