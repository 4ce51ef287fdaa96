package dev.baton.app.check;

import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState.Holder;
import java.util.List;

/** {@link Invariant#COMPATIBLE_HOLDERS}: never collaborative and exclusive holders together. */
final class CompatibleHoldersRule implements HistoryRule {

  @Override
  public void check(Step step, Violations out) {
    if (!step.isLockEvent()) {
      return;
    }
    List<Holder> holders = step.after().holders();
    boolean exclusive = holders.stream().anyMatch(h -> h.mode() == LockMode.EXCLUSIVE);
    boolean collaborative = holders.stream().anyMatch(h -> h.mode() == LockMode.COLLABORATIVE);
    if (exclusive && collaborative) {
      out.add(
          Invariant.COMPATIBLE_HOLDERS,
          step.at(),
          "exclusive and collaborative holders at once: " + Describe.holders(holders));
    }
  }
}
