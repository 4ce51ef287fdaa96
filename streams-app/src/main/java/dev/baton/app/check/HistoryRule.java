package dev.baton.app.check;

/**
 * One invariant checked event by event, in log order per partition. A rule keeps whatever it needs
 * per key; a fresh instance is made for every check.
 */
interface HistoryRule {

  void check(Step step, Violations out);

  /** Drops what the rule knows about {@code key} (its state was restored from a checkpoint). */
  default void forget(String key) {}
}
