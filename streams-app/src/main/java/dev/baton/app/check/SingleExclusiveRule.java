package dev.baton.app.check;

import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState.Holder;
import java.util.List;

/** {@link Invariant#SINGLE_EXCLUSIVE}: never two exclusive holders. */
final class SingleExclusiveRule implements HistoryRule {

  @Override
  public void check(Step step, Violations out) {
    if (!step.isLockEvent()) {
      return;
    }
    List<Holder> exclusive =
        step.after().holders().stream().filter(h -> h.mode() == LockMode.EXCLUSIVE).toList();
    if (exclusive.size() > 1) {
      out.add(
          Invariant.SINGLE_EXCLUSIVE,
          step.at(),
          exclusive.size() + " exclusive holders: " + Describe.holders(exclusive));
    }
  }
}
