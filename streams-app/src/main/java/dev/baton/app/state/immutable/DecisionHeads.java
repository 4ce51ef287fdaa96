package dev.baton.app.state.immutable;

/** Read-only view of the {@code decisions} store: each workspace's last decision number. */
public interface DecisionHeads {
  /** The last decision number under {@code key} ({@code <ws>/decisions}); 0 before the first. */
  int get(String key);
}
