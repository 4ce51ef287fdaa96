package dev.baton.app.processor;

import dev.baton.app.state.LockDeadlines;
import dev.baton.app.state.immutable.LockTable;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.LockAcquire;
import dev.baton.sdk.protocol.CommandBodies.LockForceRelease;
import dev.baton.sdk.protocol.CommandBodies.LockResource;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.ParsedCommand;
import dev.baton.sdk.protocol.ReplyTo;
import java.time.Instant;

/**
 * The {@code lock.*} commands and the lease and wait expiries: each reads the lock and hands it to
 * {@link LockRules}, where the policy lives.
 */
public final class LockHandler {
  private final LockTable locks;
  private final LockRules.Limits limits;

  public LockHandler(LockTable locks, LockRules.Limits limits) {
    this.locks = locks;
    this.limits = limits;
  }

  /** {@code lock.acquire}. */
  public Verdict acquire(ParsedCommand.Valid valid, Instant now) {
    LockAcquire body = (LockAcquire) valid.body();
    LockState lock =
        LockRules.orEmpty(locks.get(valid.key()), valid.command(), body.resource(), valid.key());
    Verdict.Builder out = Verdict.forCommand(valid.command().id());
    LockRules.acquire(lock, valid.command(), body, now, limits, out);
    return out.build();
  }

  /**
   * A retry of the queued {@code lock.acquire} {@code valid}: where it stands now and the reply
   * partition it was queued with; null when it no longer waits.
   */
  public StillQueued stillQueued(ParsedCommand.Valid valid, Instant now) {
    LockState lock = locks.get(valid.key());
    Outcome progress = LockRules.stillQueued(lock, valid.command().id(), now);
    if (progress == null) {
      return null;
    }
    ReplyTo queuedWith =
        lock.queue().stream()
            .filter(w -> w.requestId().equals(valid.command().id()))
            .findFirst()
            .map(LockState.Waiter::replyTo)
            .orElse(null);
    return new StillQueued(progress, queuedWith);
  }

  /** A queued request's current {@code QUEUED} outcome and the reply partition it queued with. */
  public record StillQueued(Outcome progress, ReplyTo queuedWith) {}

  /** {@code lock.renew}. */
  public Verdict renew(ParsedCommand.Valid valid, Instant now) {
    return onResource(
        valid, (lock, key, cmd, r, out) -> LockRules.renew(lock, key, cmd, r, now, limits, out));
  }

  /** {@code lock.release}. */
  public Verdict release(ParsedCommand.Valid valid, Instant now) {
    return onResource(
        valid, (lock, key, cmd, r, out) -> LockRules.release(lock, key, cmd, r, now, out));
  }

  /** {@code lock.cancel}. */
  public Verdict cancel(ParsedCommand.Valid valid, Instant now) {
    return onResource(
        valid, (lock, key, cmd, r, out) -> LockRules.cancel(lock, key, cmd, r, now, out));
  }

  /** {@code lock.force_release}. */
  public Verdict forceRelease(ParsedCommand.Valid valid, Instant now) {
    Verdict.Builder out = Verdict.forCommand(valid.command().id());
    LockRules.forceRelease(
        locks.get(valid.key()),
        valid.key(),
        valid.command(),
        (LockForceRelease) valid.body(),
        now,
        out);
    return out.build();
  }

  /** A rule over one named lock ({@code null} when no request ever named it). */
  @FunctionalInterface
  private interface ResourceRule {
    void decide(LockState lock, String key, Command cmd, LockResource r, Verdict.Builder out);
  }

  private Verdict onResource(ParsedCommand.Valid valid, ResourceRule rule) {
    Verdict.Builder out = Verdict.forCommand(valid.command().id());
    rule.decide(
        locks.get(valid.key()), valid.key(), valid.command(), (LockResource) valid.body(), out);
    return out.build();
  }

  /** A {@code lease} entry came due: id {@code <token>|<key>}. */
  public Verdict expireLease(String id, Instant now) {
    Verdict.Builder out = Verdict.forDeadline();
    LockRules.expireLease(
        locks.get(LockDeadlines.key(id)), Long.parseLong(LockDeadlines.head(id)), now, out);
    return out.build();
  }

  /** A {@code wait} entry came due: id {@code <requestId>|<key>}. */
  public Verdict expireWait(String id, Instant now) {
    Verdict.Builder out = Verdict.forDeadline();
    LockRules.expireWait(locks.get(LockDeadlines.key(id)), LockDeadlines.head(id), now, out);
    return out.build();
  }
}
