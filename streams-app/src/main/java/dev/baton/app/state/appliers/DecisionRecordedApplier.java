package dev.baton.app.state.appliers;

import dev.baton.app.state.mutable.MutableDecisionHeads;
import dev.baton.sdk.protocol.EventPayload;
import dev.baton.sdk.protocol.EventPayload.DecisionRecorded;

/** {@code decision.recorded}: the workspace's last decision number moves to the new one. */
final class DecisionRecordedApplier implements EventApplier {
  private final MutableDecisionHeads heads;

  DecisionRecordedApplier(MutableDecisionHeads heads) {
    this.heads = heads;
  }

  @Override
  public void apply(String key, EventPayload payload) {
    heads.put(key, ((DecisionRecorded) payload).decision().number());
  }
}
