package dev.baton.app.state.mutable;

import dev.baton.app.state.immutable.DecisionHeads;

/** The {@code decisions} store for appliers. */
public interface MutableDecisionHeads extends DecisionHeads {
  void put(String key, int number);
}
