package dev.baton.app.topology;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Sends each outcome to the partition its command asked for ({@code replyTo}), so a client reads
 * one partition of {@code baton.outcomes}, not all of them. A partition beyond the topic's count
 * (the topic shrank or the client guessed) wraps around rather than failing the topology; without
 * {@code replyTo} the default key hash applies.
 */
public final class OutcomePartitioner implements StreamPartitioner<String, RoutedOutcome> {
  @Override
  public Optional<Set<Integer>> partitions(
      String topic, String key, RoutedOutcome value, int numPartitions) {
    if (value == null || value.replyTo() == null) {
      return Optional.empty();
    }
    return Optional.of(Set.of(value.replyTo().partition() % numPartitions));
  }
}
