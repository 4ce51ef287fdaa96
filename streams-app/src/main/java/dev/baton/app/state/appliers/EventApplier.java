package dev.baton.app.state.appliers;

import dev.baton.sdk.protocol.EventPayload;

/**
 * Changes the processing state as one type of event says: the only code that writes the stores.
 * Applying the same events to empty stores yields the same stores (state is the fold of the
 * events).
 */
@FunctionalInterface
public interface EventApplier {
  void apply(String key, EventPayload payload);
}
