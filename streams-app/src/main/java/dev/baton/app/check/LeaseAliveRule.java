package dev.baton.app.check;

import dev.baton.sdk.protocol.LockState.Holder;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link Invariant#LEASE_ALIVE}: an event lists only holders whose lease is alive at its {@code
 * at}. Leases end on a punctuation, so a holder may be listed up to one punctuation interval (the
 * tolerance) after its deadline.
 */
final class LeaseAliveRule implements HistoryRule {
  private final Duration tolerance;

  LeaseAliveRule(Duration tolerance) {
    this.tolerance = tolerance;
  }

  @Override
  public void check(Step step, Violations out) {
    Instant at = step.event().at();
    if (!step.isLockEvent() || at == null) {
      return;
    }
    for (Holder h : step.after().holders()) {
      if (h.leaseDeadline() == null) {
        out.add(Invariant.LEASE_ALIVE, step.at(), "holder " + Describe.holder(h) + " has no lease");
      } else if (at.isAfter(h.leaseDeadline().plus(tolerance))) {
        out.add(
            Invariant.LEASE_ALIVE,
            step.at(),
            "event at "
                + at
                + " still lists "
                + Describe.holder(h)
                + " whose lease ended at "
                + h.leaseDeadline()
                + ", "
                + Duration.between(h.leaseDeadline(), at).toMillis()
                + " ms earlier (tolerance "
                + tolerance.toMillis()
                + " ms)");
      }
    }
  }
}
