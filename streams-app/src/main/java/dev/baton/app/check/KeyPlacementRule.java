package dev.baton.app.check;

import java.util.HashMap;
import java.util.Map;

/** {@link Invariant#KEY_PLACEMENT}: all events of a key are on one partition (one writer). */
final class KeyPlacementRule implements HistoryRule {
  private final Map<String, Integer> partitionOf = new HashMap<>();

  @Override
  public void check(Step step, Violations out) {
    Integer first = partitionOf.putIfAbsent(step.key(), step.at().partition());
    if (first != null && first != step.at().partition()) {
      out.add(
          Invariant.KEY_PLACEMENT,
          step.at(),
          "key is on partition "
              + step.at().partition()
              + " but was first seen on partition "
              + first);
    }
  }
}
