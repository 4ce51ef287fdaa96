package dev.baton.app.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.config.AppConfig;
import dev.baton.app.state.DeadlineIndex;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.LockAcquire;
import dev.baton.sdk.protocol.CommandBodies.LockResource;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.LockState.Holder;
import dev.baton.sdk.protocol.LockState.Waiter;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.ParsedCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locks: {@code lock.acquire/renew/release/cancel}, lease and wait expiry, and the lock side of
 * task writes ({@link TaskWriteGuard}): the checks before, the release a write may ask for after.
 *
 * <p>One FIFO queue per resource across both modes makes a fair read-write lock: a request is
 * granted at once only when the queue is empty and it is compatible with the holders; otherwise it
 * waits behind everyone who came before, so a waiting exclusive request is never overtaken by later
 * shared ones. Whenever holders leave, compatible requests at the head of the queue are granted
 * together. Each grant takes the next fencing token of the resource.
 *
 * <p>Leases and waits are entries in the deadline index ({@code lease} and {@code wait} kinds); an
 * entry whose grant or request has moved on (renewed, released) is ignored when it comes due.
 */
public final class LockHandler implements CommandHandler, TaskWriteGuard {
  private static final Logger LOG = LoggerFactory.getLogger(LockHandler.class);

  static final String LEASE_KIND = "lease";
  static final String WAIT_KIND = "wait";
  static final int MAX_QUEUE = 10_000;
  private static final int RECENTLY_EXPIRED_KEPT = 16;

  private final KeyValueStore<String, LockState> locks;
  private final DeadlineIndex deadlines;
  private final AppConfig config;

  public LockHandler(
      KeyValueStore<String, LockState> locks, DeadlineIndex deadlines, AppConfig config) {
    this.locks = locks;
    this.deadlines = deadlines;
    this.config = config;
  }

  @Override
  public void handle(ParsedCommand.Valid valid, Emitter out) {
    Command cmd = valid.command();
    String key = valid.key();
    String resource;
    Object body = valid.body();
    if (body instanceof LockAcquire a) {
      resource = a.resource();
    } else {
      resource = ((LockResource) body).resource();
    }
    LockState stored = locks.get(key);
    Work w = new Work(stored == null ? LockState.empty(cmd.workspace(), resource, key) : stored);
    switch (cmd.type()) {
      case LOCK_ACQUIRE -> acquire(cmd, (LockAcquire) body, w, out);
      case LOCK_RENEW -> renew(cmd, (LockResource) body, w, stored == null, out);
      case LOCK_RELEASE -> release(cmd, w, stored == null, out);
      case LOCK_CANCEL -> cancel(cmd, w, out);
      default -> throw new IllegalArgumentException("not a lock command: " + cmd.type());
    }
  }

  private void acquire(Command cmd, LockAcquire a, Work w, Emitter out) {
    long leaseMs = leaseOf(a.leaseMs(), w.key);
    long waitMs = a.waitMs() == null ? 0 : a.waitMs();
    if (waitMs > config.maxWait().toMillis()) {
      throw new InvalidCommandException(
          "wait "
              + waitMs
              + " ms for lock "
              + w.key
              + " exceeds the maximum of "
              + config.maxWait().toMillis()
              + " ms");
    }
    Instant now = out.now();
    Holder held = w.holderOf(cmd.agent());
    if (held != null) {
      if (held.mode() != a.mode()) {
        throw new InvalidCommandException(
            cmd.agent()
                + " holds lock "
                + w.key
                + " in "
                + held.mode()
                + " mode; release it"
                + " before asking for "
                + a.mode());
      }
      // Re-acquiring a held lock extends the lease and keeps the token.
      Holder renewed = w.extend(held, leaseMs, now, deadlines);
      w.commit(locks, now);
      out.event(EventType.LOCK_RENEWED, w.key, w.version, cmd.agent(), cmd.id(), w.json());
      out.outcome(
          granted(cmd.id(), cmd.type(), w, renewed, "already held; lease extended", now),
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
      Holder h = w.grant(cmd.agent(), cmd.id(), a.mode(), leaseMs, now, deadlines);
      w.commit(locks, now);
      out.event(EventType.LOCK_GRANTED, w.key, w.version, cmd.agent(), cmd.id(), w.json());
      out.outcome(granted(cmd.id(), cmd.type(), w, h, "granted", now), cmd.replyTo());
      return;
    }
    if (waitMs == 0) {
      out.outcome(
          lockOutcome(
              cmd.id(),
              cmd.type(),
              OutcomeStatus.REJECTED,
              OutcomeCode.LOCKED,
              "lock "
                  + w.key
                  + " is held by "
                  + w.holderNames()
                  + " ("
                  + w.mode()
                  + ")"
                  + (w.queue.isEmpty() ? "" : ", " + w.queue.size() + " waiting"),
              w,
              null,
              null,
              now),
          cmd.replyTo());
      return;
    }
    if (w.queue.size() >= MAX_QUEUE) {
      out.outcome(
          lockOutcome(
              cmd.id(),
              cmd.type(),
              OutcomeStatus.REJECTED,
              OutcomeCode.LOCKED,
              "queue of lock " + w.key + " is full (" + MAX_QUEUE + " waiting)",
              w,
              null,
              null,
              now),
          cmd.replyTo());
      return;
    }
    Instant waitDeadline = now.plusMillis(waitMs);
    w.queue.add(
        new Waiter(cmd.agent(), cmd.id(), a.mode(), leaseMs, now, waitDeadline, cmd.replyTo()));
    deadlines.add(waitDeadline.toEpochMilli(), WAIT_KIND, entryId(cmd.id(), w.key));
    w.commit(locks, now);
    out.event(EventType.LOCK_QUEUED, w.key, w.version, cmd.agent(), cmd.id(), w.json());
    out.outcome(
        lockOutcome(
            cmd.id(),
            cmd.type(),
            OutcomeStatus.QUEUED,
            OutcomeCode.OK,
            "waiting behind " + (w.queue.size() - 1) + " request(s); held by " + w.holderNames(),
            w,
            null,
            w.queue.size(),
            now),
        cmd.replyTo());
  }

  private void renew(Command cmd, LockResource r, Work w, boolean unknown, Emitter out) {
    Instant now = out.now();
    Holder held = w.holderOf(cmd.agent());
    if (held == null) {
      rejectNotHolder(cmd, w, unknown, now, out);
      return;
    }
    long leaseMs = r.leaseMs() == null ? held.leaseMs() : leaseOf(r.leaseMs(), w.key);
    Holder renewed = w.extend(held, leaseMs, now, deadlines);
    w.commit(locks, now);
    out.event(EventType.LOCK_RENEWED, w.key, w.version, cmd.agent(), cmd.id(), w.json());
    out.outcome(
        granted(cmd.id(), cmd.type(), w, renewed, "renewed", now)
            .withStatus(OutcomeStatus.ACCEPTED),
        cmd.replyTo());
  }

  private void release(Command cmd, Work w, boolean unknown, Emitter out) {
    Instant now = out.now();
    Holder held = w.holderOf(cmd.agent());
    if (held == null) {
      rejectNotHolder(cmd, w, unknown, now, out);
      return;
    }
    handOver(
        cmd,
        w,
        held,
        out,
        () ->
            out.outcome(
                lockOutcome(
                    cmd.id(),
                    cmd.type(),
                    OutcomeStatus.ACCEPTED,
                    OutcomeCode.OK,
                    "released",
                    w,
                    held.token(),
                    null,
                    now),
                cmd.replyTo()));
  }

  /**
   * Releases the grant an accepted task write was fenced with, when the write asked for it: the
   * same step as a {@code lock.release} by that holder, answered by the write's {@code answer}.
   */
  @Override
  public void releaseFenced(Command cmd, String key, Emitter out, Runnable answer) {
    LockState stored = locks.get(key);
    long token = cmd.fence().token();
    Holder held =
        stored == null
            ? null
            : stored.holders().stream()
                .filter(h -> h.token() == token && h.agent().equals(cmd.agent()))
                .findFirst()
                .orElse(null);
    if (held == null) {
      // check() accepted this fence in the same step, so this cannot happen; if it ever does, the
      // write is stored already: answer it rather than fail a command that took effect.
      LOG.error(
          "fenced grant {} of {} on {} is gone after its write; not released",
          token,
          cmd.agent(),
          key);
      answer.run();
      return;
    }
    handOver(cmd, new Work(stored), held, out, answer);
  }

  /**
   * Drops {@code held} as its own holder letting go: one {@code lock.released} event, then the
   * command's {@code answer}, then the grants of the waiters that can now go, in queue order.
   */
  private void handOver(Command cmd, Work w, Holder held, Emitter out, Runnable answer) {
    Instant now = out.now();
    w.removeHolder(held, deadlines);
    w.commit(locks, now);
    out.event(EventType.LOCK_RELEASED, w.key, w.version, cmd.agent(), cmd.id(), w.json());
    answer.run();
    grantWaiters(w, now, out);
  }

  private void cancel(Command cmd, Work w, Emitter out) {
    Instant now = out.now();
    Waiter waiting = w.waiterOf(cmd.agent());
    if (waiting == null) {
      out.outcome(
          lockOutcome(
              cmd.id(),
              cmd.type(),
              OutcomeStatus.REJECTED,
              OutcomeCode.NOT_FOUND,
              cmd.agent() + " has no queued request for lock " + w.key,
              w,
              null,
              null,
              now),
          cmd.replyTo());
      return;
    }
    w.removeWaiter(waiting, deadlines);
    w.commit(locks, now);
    out.event(EventType.LOCK_CANCELLED, w.key, w.version, cmd.agent(), cmd.id(), w.json());
    out.outcome(
        lockOutcome(
            cmd.id(),
            cmd.type(),
            OutcomeStatus.ACCEPTED,
            OutcomeCode.OK,
            "cancelled",
            w,
            null,
            null,
            now),
        cmd.replyTo());
    Outcome cancelled =
        lockOutcome(
            waiting.requestId(),
            CommandType.LOCK_ACQUIRE,
            OutcomeStatus.REJECTED,
            OutcomeCode.CANCELLED,
            "request cancelled by " + cmd.agent(),
            w,
            null,
            null,
            now);
    out.remember(cancelled);
    out.outcome(cancelled, waiting.replyTo());
    grantWaiters(w, now, out);
  }

  private void rejectNotHolder(Command cmd, Work w, boolean unknown, Instant now, Emitter out) {
    boolean expired = w.recentlyExpired.stream().anyMatch(h -> h.agent().equals(cmd.agent()));
    OutcomeCode code =
        unknown ? OutcomeCode.NOT_FOUND : expired ? OutcomeCode.EXPIRED : OutcomeCode.NOT_HOLDER;
    String message =
        unknown
            ? "lock " + w.key + " does not exist"
            : expired
                ? "the lease of " + cmd.agent() + " on lock " + w.key + " has expired"
                : cmd.agent() + " does not hold lock " + w.key + "; holders: " + w.holderNames();
    out.outcome(
        lockOutcome(
            cmd.id(), cmd.type(), OutcomeStatus.REJECTED, code, message, w, null, null, now),
        cmd.replyTo());
  }

  /** Grants the compatible requests at the head of the queue, in order. */
  private void grantWaiters(Work w, Instant now, Emitter out) {
    while (!w.queue.isEmpty() && w.compatible(w.queue.get(0).mode())) {
      Waiter next = w.queue.get(0);
      w.removeWaiter(next, deadlines);
      Holder h =
          w.grant(next.agent(), next.requestId(), next.mode(), next.leaseMs(), now, deadlines);
      w.commit(locks, now);
      out.event(
          next.requestId() + ":granted",
          EventType.LOCK_GRANTED,
          w.key,
          w.version,
          next.agent(),
          next.requestId(),
          w.json());
      Outcome granted =
          granted(next.requestId(), CommandType.LOCK_ACQUIRE, w, h, "granted after waiting", now);
      out.remember(granted);
      out.outcome(granted, next.replyTo());
    }
  }

  /** A lease ran out: drop the holder and hand the lock on. */
  public void expireLease(String id, long deadline, Emitter out) {
    long token = Long.parseLong(entryHead(id));
    String key = entryKey(id);
    LockState stored = locks.get(key);
    if (stored == null) {
      return;
    }
    Work w = new Work(stored);
    Holder held = w.holders.stream().filter(h -> h.token() == token).findFirst().orElse(null);
    Instant now = out.now();
    if (held == null || held.leaseDeadline().isAfter(now)) {
      return;
    }
    w.removeHolder(held, deadlines);
    w.recentlyExpired.add(held);
    while (w.recentlyExpired.size() > RECENTLY_EXPIRED_KEPT) {
      w.recentlyExpired.remove(0);
    }
    w.commit(locks, now);
    out.event(
        held.requestId() + ":expired:" + held.token(),
        EventType.LOCK_EXPIRED,
        key,
        w.version,
        held.agent(),
        held.requestId(),
        w.json());
    grantWaiters(w, now, out);
  }

  /** A queued request's wait ran out: take it out of the queue and tell its client. */
  public void expireWait(String id, long deadline, Emitter out) {
    String requestId = entryHead(id);
    String key = entryKey(id);
    LockState stored = locks.get(key);
    if (stored == null) {
      return;
    }
    Work w = new Work(stored);
    Waiter waiting =
        w.queue.stream().filter(q -> q.requestId().equals(requestId)).findFirst().orElse(null);
    Instant now = out.now();
    if (waiting == null || waiting.waitDeadline().isAfter(now)) {
      return;
    }
    w.removeWaiter(waiting, deadlines);
    w.commit(locks, now);
    out.event(
        requestId + ":wait_expired",
        EventType.LOCK_WAIT_EXPIRED,
        key,
        w.version,
        waiting.agent(),
        requestId,
        w.json());
    Outcome expired =
        lockOutcome(
            requestId,
            CommandType.LOCK_ACQUIRE,
            OutcomeStatus.REJECTED,
            OutcomeCode.EXPIRED,
            "waited "
                + (now.toEpochMilli() - waiting.enqueuedAt().toEpochMilli())
                + " ms for lock "
                + key
                + " without a grant",
            w,
            null,
            null,
            now);
    out.remember(expired);
    out.outcome(expired, waiting.replyTo());
    // The head may have been blocking compatible requests behind it.
    grantWaiters(w, now, out);
  }

  @Override
  public TaskDecision.Rejected check(Command cmd, String key, long now) {
    LockState lock = locks.get(key);
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
      boolean live =
          lock != null
              && lock.holders().stream()
                  .anyMatch(h -> h.token() == token && h.agent().equals(cmd.agent()));
      // A token is good while its grant lives: the newest one for an exclusive lock, any current
      // holder's for a collaborative one. Released or expired tokens are stale.
      if (!live) {
        return new TaskDecision.Rejected(
            OutcomeCode.FENCED,
            "fencing token "
                + token
                + " for "
                + key
                + " is stale (newest token "
                + (lock == null ? 0 : lock.lastToken())
                + ", "
                + (live ? "held" : "not held by " + cmd.agent())
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
   * Deadline entries of both kinds are {@code <head>|<key>}: the head (a fencing token, a request
   * id) never contains {@code |}; keys may.
   */
  private static String entryId(String head, String key) {
    return head + "|" + key;
  }

  private static String entryHead(String id) {
    return id.substring(0, id.indexOf('|'));
  }

  private static String entryKey(String id) {
    return id.substring(id.indexOf('|') + 1);
  }

  private long leaseOf(Long requested, String key) {
    long lease = requested == null ? config.defaultLease().toMillis() : requested;
    if (lease <= 0) {
      throw new InvalidCommandException("lease " + lease + " ms for lock " + key + " must be > 0");
    }
    if (lease > config.maxLease().toMillis()) {
      throw new InvalidCommandException(
          "lease "
              + lease
              + " ms for lock "
              + key
              + " exceeds the maximum of "
              + config.maxLease().toMillis()
              + " ms");
    }
    return lease;
  }

  private static Outcome granted(
      String requestId, CommandType type, Work w, Holder h, String message, Instant now) {
    return new Outcome(
        requestId,
        type,
        w.key,
        OutcomeStatus.GRANTED,
        OutcomeCode.OK,
        message,
        w.version,
        h.token(),
        null,
        w.holderNames(),
        h.leaseDeadline(),
        w.json(),
        null,
        now);
  }

  private static Outcome lockOutcome(
      String commandId,
      CommandType type,
      OutcomeStatus status,
      OutcomeCode code,
      String message,
      Work w,
      Long token,
      Integer position,
      Instant now) {
    return new Outcome(
        commandId,
        type,
        w.key,
        status,
        code,
        message,
        w.version,
        token,
        position,
        w.holderNames(),
        null,
        w.json(),
        null,
        now);
  }

  /** A mutable working copy of one lock while a command or expiry changes it. */
  private static final class Work {
    final String key;
    final String resource;
    final String workspace;
    final List<Holder> holders;
    final List<Waiter> queue;
    final List<Holder> recentlyExpired;
    long lastToken;
    long version;
    Instant updatedAt;

    Work(LockState s) {
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

    Holder grant(
        String agent,
        String requestId,
        LockMode mode,
        long leaseMs,
        Instant now,
        DeadlineIndex deadlines) {
      Instant deadline = now.plusMillis(leaseMs);
      Holder h = new Holder(agent, requestId, mode, ++lastToken, leaseMs, now, deadline);
      holders.add(h);
      // A fresh grant supersedes the agent's expired one: a later renew is about the new grant.
      recentlyExpired.removeIf(e -> e.agent().equals(agent));
      deadlines.add(deadline.toEpochMilli(), LEASE_KIND, entryId(String.valueOf(h.token()), key));
      return h;
    }

    Holder extend(Holder h, long leaseMs, Instant now, DeadlineIndex deadlines) {
      deadlines.remove(
          h.leaseDeadline().toEpochMilli(), LEASE_KIND, entryId(String.valueOf(h.token()), key));
      Instant deadline = now.plusMillis(leaseMs);
      Holder renewed =
          new Holder(
              h.agent(), h.requestId(), h.mode(), h.token(), leaseMs, h.grantedAt(), deadline);
      holders.set(holders.indexOf(h), renewed);
      deadlines.add(deadline.toEpochMilli(), LEASE_KIND, entryId(String.valueOf(h.token()), key));
      return renewed;
    }

    void removeHolder(Holder h, DeadlineIndex deadlines) {
      holders.remove(h);
      deadlines.remove(
          h.leaseDeadline().toEpochMilli(), LEASE_KIND, entryId(String.valueOf(h.token()), key));
    }

    void removeWaiter(Waiter q, DeadlineIndex deadlines) {
      queue.remove(q);
      deadlines.remove(q.waitDeadline().toEpochMilli(), WAIT_KIND, entryId(q.requestId(), key));
    }

    void commit(KeyValueStore<String, LockState> store, Instant now) {
      version++;
      updatedAt = now;
      store.put(key, state());
    }

    LockState state() {
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

    JsonNode json() {
      return Json.mapper().valueToTree(state());
    }
  }
}
