package dev.baton.app.topology;

import dev.baton.sdk.protocol.JsonSerde;
import dev.baton.sdk.protocol.Outcome;
import org.apache.kafka.common.serialization.Serializer;

/** Writes the outcome of a {@link RoutedOutcome}; the routing is used by the partitioner only. */
final class RoutedOutcomeSerializer implements Serializer<RoutedOutcome> {
  private final JsonSerde<Outcome> outcomes = JsonSerde.of(Outcome.class);

  @Override
  public byte[] serialize(String topic, RoutedOutcome data) {
    return data == null ? null : outcomes.serialize(topic, data.outcome());
  }
}
