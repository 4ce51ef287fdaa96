package dev.baton.app.state;

import dev.baton.sdk.protocol.LockState;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The deadline-index entries a lock implies: one {@code lease} entry per holder (at its lease
 * deadline) and one {@code wait} entry per waiter (at its wait deadline). They are derived from the
 * lock, never kept on their own: whoever stores a lock replaces the old lock's entries with the new
 * one's, so no entry outlives its holder or waiter.
 *
 * <p>Entry ids are {@code <head>|<key>}: the head (a fencing token, a request id) never contains
 * {@code |}; keys may.
 */
public final class LockDeadlines {
  /** A holder's lease runs out; the id's head is the grant's fencing token. */
  public static final String LEASE = "lease";

  /** A waiter's wait runs out; the id's head is the request id. */
  public static final String WAIT = "wait";

  private LockDeadlines() {}

  /** Every entry {@code lock} implies; none for null. */
  public static Set<DeadlineIndex.Entry> of(LockState lock) {
    Set<DeadlineIndex.Entry> entries = new LinkedHashSet<>();
    if (lock == null) {
      return entries;
    }
    for (LockState.Holder h : lock.holders()) {
      entries.add(
          new DeadlineIndex.Entry(
              h.leaseDeadline().toEpochMilli(), LEASE, id(String.valueOf(h.token()), lock.key())));
    }
    for (LockState.Waiter w : lock.queue()) {
      entries.add(
          new DeadlineIndex.Entry(
              w.waitDeadline().toEpochMilli(), WAIT, id(w.requestId(), lock.key())));
    }
    return entries;
  }

  /** Whether {@code kind} is one of the lock's kinds. */
  public static boolean isLockKind(String kind) {
    return LEASE.equals(kind) || WAIT.equals(kind);
  }

  /** The head of an entry id: a fencing token ({@code lease}) or a request id ({@code wait}). */
  public static String head(String id) {
    return id.substring(0, id.indexOf('|'));
  }

  /** The lock's aggregate key in an entry id. */
  public static String key(String id) {
    return id.substring(id.indexOf('|') + 1);
  }

  private static String id(String head, String key) {
    return head + "|" + key;
  }
}
