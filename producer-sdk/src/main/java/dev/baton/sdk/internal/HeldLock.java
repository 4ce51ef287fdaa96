package dev.baton.sdk.internal;

import dev.baton.sdk.LockGrant;
import dev.baton.sdk.LockListener;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One grant the client holds: its renewal task, its local lease deadline (the send time of the last
 * confirmed grant or renewal plus the lease, on the client's monotonic clock) with the task that
 * reports the loss when that deadline passes, and its own loss listeners. {@link Locks} keeps the
 * books; this class is the handle the agent holds.
 */
final class HeldLock implements LockGrant {
  private static final Logger LOG = LoggerFactory.getLogger(HeldLock.class);

  private final Locks locks;
  private final String resource;
  private final String key;
  private final LockMode mode;
  private final long token;
  private final Duration lease;
  private final List<LockListener> listeners = new CopyOnWriteArrayList<>();
  private volatile Instant leaseDeadline;
  private volatile long localDeadlineNanos;
  private volatile ScheduledFuture<?> renewal;
  private volatile ScheduledFuture<?> expiry;
  private volatile boolean held = true;
  private volatile String lostReason;

  HeldLock(Locks locks, String resource, Outcome grant, LockMode mode, Duration lease) {
    this.locks = locks;
    this.resource = resource;
    this.key = grant.key();
    this.mode = mode;
    this.token = grant.token();
    this.lease = lease;
    this.leaseDeadline = grant.leaseDeadline();
  }

  @Override
  public String resource() {
    return resource;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public LockMode mode() {
    return mode;
  }

  @Override
  public long token() {
    return token;
  }

  @Override
  public Instant leaseDeadline() {
    return leaseDeadline;
  }

  @Override
  public boolean isHeld() {
    return held;
  }

  Duration lease() {
    return lease;
  }

  long localDeadlineNanos() {
    return localDeadlineNanos;
  }

  @Override
  public LockGrant onLost(LockListener listener) {
    listeners.add(listener);
    String reason = lostReason;
    if (reason != null && listeners.remove(listener)) {
      locks.tell(listener, this, reason);
    }
    return this;
  }

  @Override
  public CompletableFuture<Outcome> release() {
    return locks.release(this);
  }

  @Override
  public void close() {
    if (!held) {
      return;
    }
    try {
      release().get(locks.closeWait().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("release of lock {} failed; its lease will run out: {}", resource, e.toString());
    }
  }

  /** Renewals run on {@code renewal}; {@code localDeadlineNanos} is the first local deadline. */
  void start(ScheduledFuture<?> renewal, long localDeadlineNanos) {
    this.renewal = renewal;
    this.localDeadlineNanos = localDeadlineNanos;
  }

  /** The task that checks the local deadline next. */
  synchronized void expiry(ScheduledFuture<?> next) {
    if (!held) {
      next.cancel(false);
      return;
    }
    expiry = next;
  }

  /** A renewal sent at {@code sentNanos} was confirmed with the server's new deadline. */
  synchronized void renewed(Instant newDeadline, long sentNanos) {
    if (newDeadline != null) {
      leaseDeadline = newDeadline;
    }
    localDeadlineNanos = Math.max(localDeadlineNanos, sentNanos + lease.toNanos());
  }

  /** No longer held: released or forgotten ({@code reason} null) or lost; stops the timers. */
  synchronized List<LockListener> end(String reason) {
    held = false;
    lostReason = reason;
    if (renewal != null) {
      renewal.cancel(false);
    }
    if (expiry != null) {
      expiry.cancel(false);
    }
    List<LockListener> own = List.copyOf(listeners);
    listeners.clear();
    return own;
  }

  @Override
  public String toString() {
    return "lock " + key + " (" + mode + ", token " + token + (held ? ")" : ", no longer held)");
  }
}
