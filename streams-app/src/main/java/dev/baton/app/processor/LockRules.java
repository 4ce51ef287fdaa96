package dev.baton.app.processor;

import dev.baton.app.config.AppConfig;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.LockAcquire;
import dev.baton.sdk.protocol.CommandBodies.LockForceRelease;
import dev.baton.sdk.protocol.CommandBodies.LockResource;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.EventIds;
import dev.baton.sdk.protocol.EventPayload.ForcedRelease;
import dev.baton.sdk.protocol.EventPayload.LockChanged;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.LockState.Holder;
import dev.baton.sdk.protocol.LockState.Waiter;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The lock policy as pure functions: current lock, command and time in, events and outcomes out
 * (into a {@link Verdict.Builder}). No store, no clock, so every rule is unit-testable.
 *
 * <p>One FIFO queue per resource across both modes makes a fair read-write lock: a request is
 * granted at once only when the queue is empty and it is compatible with the holders; otherwise it
 * waits behind everyone who came before, so a waiting exclusive request is never overtaken by later
 * shared ones. Whenever holders leave (release, lease expiry), compatible requests at the head of
 * the queue are granted together, in order. Each grant takes the next fencing token of the
 * resource; a token is good while its grant lives.
 *
 * <p>Every change is one event whose payload is the whole lock after it, with the lock's version
 * one higher.
 */
public final class LockRules {
  /** Most requests one lock's queue holds. */
  public static final int MAX_QUEUE = 10_000;

  /**
   * Holders whose lease ran out that a lock remembers, to answer their renewals {@code EXPIRED}.
   */
  static final int RECENTLY_EXPIRED_KEPT = 16;

  private LockRules() {}

  /** Lease and wait bounds, from {@code baton.lock.*}. */
  public record Limits(long defaultLeaseMs, long maxLeaseMs, long maxWaitMs) {
    public static Limits of(AppConfig config) {
      return new Limits(
          config.defaultLease().toMillis(),
          config.maxLease().toMillis(),
          config.maxWait().toMillis());
    }
  }

  /** {@code lock.acquire} on {@code current} (empty when no request named it yet). */
  public static void acquire(
      LockState current,
      Command cmd,
      LockAcquire a,
      Instant now,
      Limits limits,
      Verdict.Builder out) {
    Draft w = new Draft(current);
    long leaseMs = leaseOf(a.leaseMs(), w.key, limits);
    long waitMs = a.waitMs() == null ? 0 : a.waitMs();
    if (waitMs > limits.maxWaitMs()) {
      throw new InvalidCommandException(
          "wait "
              + waitMs
              + " ms for lock "
              + w.key
              + " exceeds the maximum of "
              + limits.maxWaitMs()
              + " ms");
    }
    Holder held = w.holderOf(cmd.agent());
    if (held != null) {
      if (held.mode() != a.mode()) {
        throw new InvalidCommandException(
            cmd.agent()
                + " holds lock "
                + w.key
                + " in "
                + held.mode()
                + " mode; release it before asking for "
                + a.mode());
      }
      // Re-acquiring a held lock extends the lease and keeps the token.
      Holder renewed = w.extend(held, leaseMs, now);
      LockState lock = w.commit(now);
      out.event(EventType.LOCK_RENEWED, w.key, lock.version(), cmd.agent(), new LockChanged(lock));
      out.answer(
          Outcome.granted(cmd.id(), cmd.type(), lock, renewed, "already held; lease extended", now),
          cmd.replyTo());
      return;
    }
    Waiter waiting = w.waiterOf(cmd.agent());
    if (waiting != null) {
      throw new InvalidCommandException(
          cmd.agent()
              + " already waits for lock "
              + w.key
              + " (request "
              + waiting.requestId()
              + "); cancel it first");
    }
    if (w.queue.isEmpty() && w.compatible(a.mode())) {
      Holder h = w.grant(cmd.agent(), cmd.id(), a.mode(), leaseMs, now);
      LockState lock = w.commit(now);
      out.event(EventType.LOCK_GRANTED, w.key, lock.version(), cmd.agent(), new LockChanged(lock));
      out.answer(Outcome.granted(cmd.id(), cmd.type(), lock, h, "granted", now), cmd.replyTo());
      return;
    }
    if (waitMs == 0) {
      out.answer(
          Outcome.lockRejected(
              cmd.id(),
              cmd.type(),
              current,
              OutcomeCode.LOCKED,
              "lock "
                  + w.key
                  + " is held by "
                  + w.holderNames()
                  + " ("
                  + w.mode()
                  + ")"
                  + (w.queue.isEmpty() ? "" : ", " + w.queue.size() + " waiting"),
              now),
          cmd.replyTo());
      return;
    }
    if (w.queue.size() >= MAX_QUEUE) {
      out.answer(
          Outcome.lockRejected(
              cmd.id(),
              cmd.type(),
              current,
              OutcomeCode.LOCKED,
              "queue of lock " + w.key + " is full (" + MAX_QUEUE + " waiting)",
              now),
          cmd.replyTo());
      return;
    }
    w.queue.add(
        new Waiter(
            cmd.agent(), cmd.id(), a.mode(), leaseMs, now, now.plusMillis(waitMs), cmd.replyTo()));
    LockState lock = w.commit(now);
    out.event(EventType.LOCK_QUEUED, w.key, lock.version(), cmd.agent(), new LockChanged(lock));
    out.answer(
        Outcome.queued(
            cmd.id(),
            cmd.type(),
            lock,
            w.queue.size(),
            "waiting behind " + (w.queue.size() - 1) + " request(s); held by " + w.holderNames(),
            now),
        cmd.replyTo());
  }

  /**
   * Where queued request {@code requestId} stands in {@code current} now, as the {@code QUEUED}
   * outcome a retry of it is answered with (its current position, the lock as it is); null when it
   * no longer waits there.
   */
  public static Outcome stillQueued(LockState current, String requestId, Instant now) {
    if (current == null) {
      return null;
    }
    List<Waiter> queue = current.queue();
    for (int i = 0; i < queue.size(); i++) {
      if (queue.get(i).requestId().equals(requestId)) {
        return Outcome.queued(
            requestId,
            CommandType.LOCK_ACQUIRE,
            current,
            i + 1,
            "still waiting behind "
                + i
                + " request(s); held by "
                + current.holders().stream().map(Holder::agent).toList(),
            now);
      }
    }
    return null;
  }

  /** {@code lock.renew}; {@code current} is null when no request ever named the lock. */
  public static void renew(
      LockState current,
      String key,
      Command cmd,
      LockResource r,
      Instant now,
      Limits limits,
      Verdict.Builder out) {
    LockState lock = orEmpty(current, cmd, r.resource(), key);
    Holder held = holderOf(lock, cmd.agent());
    if (held == null) {
      rejectNotHolder(lock, current == null, cmd, now, out);
      return;
    }
    long leaseMs = r.leaseMs() == null ? held.leaseMs() : leaseOf(r.leaseMs(), key, limits);
    Draft w = new Draft(lock);
    Holder renewed = w.extend(held, leaseMs, now);
    LockState next = w.commit(now);
    out.event(EventType.LOCK_RENEWED, key, next.version(), cmd.agent(), new LockChanged(next));
    out.answer(
        Outcome.granted(cmd.id(), cmd.type(), next, renewed, "renewed", now)
            .withStatus(OutcomeStatus.ACCEPTED),
        cmd.replyTo());
  }

  /** {@code lock.release}; {@code current} is null when no request ever named the lock. */
  public static void release(
      LockState current,
      String key,
      Command cmd,
      LockResource r,
      Instant now,
      Verdict.Builder out) {
    LockState lock = orEmpty(current, cmd, r.resource(), key);
    Holder held = holderOf(lock, cmd.agent());
    if (held == null) {
      rejectNotHolder(lock, current == null, cmd, now, out);
      return;
    }
    handOver(
        lock,
        held,
        cmd,
        now,
        out,
        released ->
            Outcome.lockAccepted(cmd.id(), cmd.type(), released, held.token(), "released", now));
  }

  /**
   * {@code lock.force_release}: an admin ends the grant of {@code f.holder()} (every grant when it
   * names none) as if its holder had released it. One {@code lock.released} event whose agent is
   * the admin and whose {@code forced} names the grants that ended; then the waiters that can now
   * go are granted, each with a newer fencing token, so the former holder's token is stale from
   * here on. Who may send it is the gateway's business (admin tokens only); the topology trusts the
   * agent the gateway authenticated, as for every command.
   */
  public static void forceRelease(
      LockState current,
      String key,
      Command cmd,
      LockForceRelease f,
      Instant now,
      Verdict.Builder out) {
    LockState lock = orEmpty(current, cmd, f.resource(), key);
    List<Holder> ending =
        lock.holders().stream()
            .filter(h -> f.holder() == null || h.agent().equals(f.holder()))
            .toList();
    if (current == null || ending.isEmpty()) {
      boolean unknown = current == null;
      String message =
          unknown
              ? "lock " + key + " does not exist"
              : f.holder() == null
                  ? "lock " + key + " has no holder to release"
                  : f.holder()
                      + " does not hold lock "
                      + key
                      + "; holders: "
                      + lock.holders().stream().map(Holder::agent).toList();
      out.answer(
          Outcome.lockRejected(
              cmd.id(),
              cmd.type(),
              lock,
              unknown ? OutcomeCode.NOT_FOUND : OutcomeCode.NOT_HOLDER,
              message,
              now),
          cmd.replyTo());
      return;
    }
    Draft w = new Draft(lock);
    w.holders.removeAll(ending);
    LockState next = w.commit(now);
    out.event(
        EventType.LOCK_RELEASED,
        key,
        next.version(),
        cmd.agent(),
        new LockChanged(next, new ForcedRelease(cmd.agent(), ending, f.reason())));
    out.answer(
        Outcome.lockAccepted(
            cmd.id(),
            cmd.type(),
            next,
            ending.size() == 1 ? ending.get(0).token() : null,
            "force-released by "
                + cmd.agent()
                + ": "
                + ending.stream().map(h -> h.agent() + " (token " + h.token() + ")").toList(),
            now),
        cmd.replyTo());
    grantWaiters(w, now, out);
  }

  /** {@code lock.cancel}: the agent's queued request leaves the queue. */
  public static void cancel(
      LockState current,
      String key,
      Command cmd,
      LockResource r,
      Instant now,
      Verdict.Builder out) {
    LockState lock = orEmpty(current, cmd, r.resource(), key);
    Draft w = new Draft(lock);
    Waiter waiting = w.waiterOf(cmd.agent());
    if (waiting == null) {
      out.answer(
          Outcome.lockRejected(
              cmd.id(),
              cmd.type(),
              lock,
              OutcomeCode.NOT_FOUND,
              cmd.agent() + " has no queued request for lock " + key,
              now),
          cmd.replyTo());
      return;
    }
    w.queue.remove(waiting);
    LockState next = w.commit(now);
    out.event(EventType.LOCK_CANCELLED, key, next.version(), cmd.agent(), new LockChanged(next));
    out.answer(
        Outcome.lockAccepted(cmd.id(), cmd.type(), next, null, "cancelled", now), cmd.replyTo());
    out.later(
        Outcome.lockRejected(
            waiting.requestId(),
            CommandType.LOCK_ACQUIRE,
            next,
            OutcomeCode.CANCELLED,
            "request cancelled by " + cmd.agent(),
            now),
        waiting.replyTo());
    grantWaiters(w, now, out);
  }

  /**
   * The lease of grant {@code token} ran out at {@code now}: the holder leaves, remembered as
   * recently expired, and the lock goes on to the waiters. Nothing when that grant is gone or its
   * lease was extended.
   */
  public static void expireLease(LockState current, long token, Instant now, Verdict.Builder out) {
    if (current == null) {
      return;
    }
    Draft w = new Draft(current);
    Holder held = w.holders.stream().filter(h -> h.token() == token).findFirst().orElse(null);
    if (held == null || held.leaseDeadline().isAfter(now)) {
      return;
    }
    w.holders.remove(held);
    w.recentlyExpired.add(held);
    while (w.recentlyExpired.size() > RECENTLY_EXPIRED_KEPT) {
      w.recentlyExpired.remove(0);
    }
    LockState next = w.commit(now);
    out.event(
        EventIds.leaseExpired(held.requestId(), held.token()),
        EventType.LOCK_EXPIRED,
        w.key,
        next.version(),
        held.agent(),
        held.requestId(),
        new LockChanged(next));
    grantWaiters(w, now, out);
  }

  /**
   * The wait of queued request {@code requestId} ran out at {@code now}: it leaves the queue and
   * its client is told {@code EXPIRED}. Nothing when it is no longer queued.
   */
  public static void expireWait(
      LockState current, String requestId, Instant now, Verdict.Builder out) {
    if (current == null) {
      return;
    }
    Draft w = new Draft(current);
    Waiter waiting =
        w.queue.stream().filter(q -> q.requestId().equals(requestId)).findFirst().orElse(null);
    if (waiting == null || waiting.waitDeadline().isAfter(now)) {
      return;
    }
    w.queue.remove(waiting);
    LockState next = w.commit(now);
    out.event(
        EventIds.waitExpired(requestId),
        EventType.LOCK_WAIT_EXPIRED,
        w.key,
        next.version(),
        waiting.agent(),
        requestId,
        new LockChanged(next));
    out.later(
        Outcome.lockRejected(
            requestId,
            CommandType.LOCK_ACQUIRE,
            next,
            OutcomeCode.EXPIRED,
            "waited "
                + (now.toEpochMilli() - waiting.enqueuedAt().toEpochMilli())
                + " ms for lock "
                + w.key
                + " without a grant",
            now),
        waiting.replyTo());
    // The head may have been blocking compatible requests behind it.
    grantWaiters(w, now, out);
  }

  /**
   * The lock side of a task write on {@code key}: null when it may proceed, else why not. A fence
   * must name the task's own lock and a live grant of the writer (a released or expired token is
   * stale); an exclusive lock held by another agent blocks every write.
   */
  public static TaskDecision.Rejected checkTaskWrite(LockState lock, Command cmd, String key) {
    if (cmd.fence() != null) {
      String fenceKey = AggregateKeys.lock(cmd.workspace(), cmd.fence().resource());
      if (!fenceKey.equals(key)) {
        throw new InvalidCommandException(
            "fence resource '"
                + cmd.fence().resource()
                + "' is not this task's lock (task/"
                + key.substring(AggregateKeys.taskPrefix(cmd.workspace()).length())
                + ")");
      }
      long token = cmd.fence().token();
      if (fencedHolder(lock, cmd) == null) {
        return new TaskDecision.Rejected(
            OutcomeCode.FENCED,
            "fencing token "
                + token
                + " for "
                + key
                + " is stale (newest token "
                + (lock == null ? 0 : lock.lastToken())
                + ", not held by "
                + cmd.agent()
                + ")");
      }
    }
    if (lock != null && lock.mode() == LockMode.EXCLUSIVE) {
      Holder holder = lock.holders().get(0);
      if (!holder.agent().equals(cmd.agent())) {
        return new TaskDecision.Rejected(
            OutcomeCode.LOCKED,
            "task "
                + key
                + " is exclusively locked by "
                + holder.agent()
                + " (token "
                + holder.token()
                + ")");
      }
    }
    return null;
  }

  /**
   * Releases the grant {@code cmd}'s fence names after an accepted task write that asked for it,
   * exactly as a {@code lock.release} by its holder would: {@code lock.released}, then {@code
   * answer} (the write's outcome), then the grants of the waiters that can now go. {@link
   * #checkTaskWrite} accepted the fence on the same lock, so the grant is there.
   */
  public static void releaseFenced(
      LockState lock, Command cmd, Instant now, Verdict.Builder out, Outcome answer) {
    Holder held = fencedHolder(lock, cmd);
    if (held == null) {
      throw new IllegalStateException(
          "fenced grant " + cmd.fence().token() + " of " + cmd.agent() + " is not held");
    }
    handOver(lock, held, cmd, now, out, released -> answer);
  }

  /**
   * Drops {@code held} as its own holder letting go: one {@code lock.released} event, then the
   * command's answer, then the grants of the waiters that can now go, in queue order.
   */
  private static void handOver(
      LockState lock,
      Holder held,
      Command cmd,
      Instant now,
      Verdict.Builder out,
      Function<LockState, Outcome> answer) {
    Draft w = new Draft(lock);
    w.holders.remove(held);
    LockState next = w.commit(now);
    out.event(EventType.LOCK_RELEASED, w.key, next.version(), cmd.agent(), new LockChanged(next));
    out.answer(answer.apply(next), cmd.replyTo());
    grantWaiters(w, now, out);
  }

  /** Grants the compatible requests at the head of the queue, in order. */
  private static void grantWaiters(Draft w, Instant now, Verdict.Builder out) {
    while (!w.queue.isEmpty() && w.compatible(w.queue.get(0).mode())) {
      Waiter next = w.queue.remove(0);
      Holder h = w.grant(next.agent(), next.requestId(), next.mode(), next.leaseMs(), now);
      LockState lock = w.commit(now);
      out.event(
          EventIds.granted(next.requestId()),
          EventType.LOCK_GRANTED,
          w.key,
          lock.version(),
          next.agent(),
          next.requestId(),
          new LockChanged(lock));
      out.later(
          Outcome.granted(
              next.requestId(), CommandType.LOCK_ACQUIRE, lock, h, "granted after waiting", now),
          next.replyTo());
    }
  }

  private static void rejectNotHolder(
      LockState lock, boolean unknown, Command cmd, Instant now, Verdict.Builder out) {
    boolean expired =
        lock.recentlyExpired() != null
            && lock.recentlyExpired().stream().anyMatch(h -> h.agent().equals(cmd.agent()));
    OutcomeCode code =
        unknown ? OutcomeCode.NOT_FOUND : expired ? OutcomeCode.EXPIRED : OutcomeCode.NOT_HOLDER;
    String message =
        unknown
            ? "lock " + lock.key() + " does not exist"
            : expired
                ? "the lease of " + cmd.agent() + " on lock " + lock.key() + " has expired"
                : cmd.agent()
                    + " does not hold lock "
                    + lock.key()
                    + "; holders: "
                    + lock.holders().stream().map(Holder::agent).toList();
    out.answer(Outcome.lockRejected(cmd.id(), cmd.type(), lock, code, message, now), cmd.replyTo());
  }

  private static Holder fencedHolder(LockState lock, Command cmd) {
    if (lock == null) {
      return null;
    }
    long token = cmd.fence().token();
    return lock.holders().stream()
        .filter(h -> h.token() == token && h.agent().equals(cmd.agent()))
        .findFirst()
        .orElse(null);
  }

  private static Holder holderOf(LockState lock, String agent) {
    return lock.holders().stream().filter(h -> h.agent().equals(agent)).findFirst().orElse(null);
  }

  static LockState orEmpty(LockState current, Command cmd, String resource, String key) {
    return current == null ? LockState.empty(cmd.workspace(), resource, key) : current;
  }

  private static long leaseOf(Long requested, String key, Limits limits) {
    long lease = requested == null ? limits.defaultLeaseMs() : requested;
    if (lease <= 0) {
      throw new InvalidCommandException("lease " + lease + " ms for lock " + key + " must be > 0");
    }
    if (lease > limits.maxLeaseMs()) {
      throw new InvalidCommandException(
          "lease "
              + lease
              + " ms for lock "
              + key
              + " exceeds the maximum of "
              + limits.maxLeaseMs()
              + " ms");
    }
    return lease;
  }

  /** A working copy of one lock while a rule changes it; each {@link #commit} is one version. */
  private static final class Draft {
    final String key;
    final String resource;
    final String workspace;
    final List<Holder> holders;
    final List<Waiter> queue;
    final List<Holder> recentlyExpired;
    long lastToken;
    long version;
    Instant updatedAt;

    Draft(LockState s) {
      key = s.key();
      resource = s.resource();
      workspace = s.workspace();
      holders = new ArrayList<>(s.holders());
      queue = new ArrayList<>(s.queue());
      recentlyExpired =
          new ArrayList<>(s.recentlyExpired() == null ? List.of() : s.recentlyExpired());
      lastToken = s.lastToken();
      version = s.version();
      updatedAt = s.updatedAt();
    }

    LockMode mode() {
      return holders.isEmpty() ? null : holders.get(0).mode();
    }

    boolean compatible(LockMode requested) {
      return holders.isEmpty() || requested.compatibleWith(mode());
    }

    Holder holderOf(String agent) {
      return holders.stream().filter(h -> h.agent().equals(agent)).findFirst().orElse(null);
    }

    Waiter waiterOf(String agent) {
      return queue.stream().filter(q -> q.agent().equals(agent)).findFirst().orElse(null);
    }

    List<String> holderNames() {
      return holders.stream().map(Holder::agent).toList();
    }

    Holder grant(String agent, String requestId, LockMode mode, long leaseMs, Instant now) {
      Holder h =
          new Holder(agent, requestId, mode, ++lastToken, leaseMs, now, now.plusMillis(leaseMs));
      holders.add(h);
      // A fresh grant supersedes the agent's expired one: a later renew is about the new grant.
      recentlyExpired.removeIf(e -> e.agent().equals(agent));
      return h;
    }

    Holder extend(Holder h, long leaseMs, Instant now) {
      Holder renewed =
          new Holder(
              h.agent(),
              h.requestId(),
              h.mode(),
              h.token(),
              leaseMs,
              h.grantedAt(),
              now.plusMillis(leaseMs));
      holders.set(holders.indexOf(h), renewed);
      return renewed;
    }

    /** The lock as it is now, one version on. */
    LockState commit(Instant now) {
      version++;
      updatedAt = now;
      return new LockState(
          resource,
          workspace,
          key,
          List.copyOf(holders),
          List.copyOf(queue),
          lastToken,
          version,
          updatedAt,
          List.copyOf(recentlyExpired));
    }
  }
}
