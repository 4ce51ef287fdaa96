package dev.baton.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.ReplyTo;
import dev.baton.sdk.protocol.Topics;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutcomePartitionerTest {
  private final OutcomePartitioner partitioner = new OutcomePartitioner();
  private final Outcome outcome =
      Outcome.rejected(
          "c1", null, "default/task/T1", OutcomeCode.NOT_FOUND, "no", null, null, Instant.EPOCH);

  private Optional<Set<Integer>> partitionsOf(ReplyTo replyTo, int numPartitions) {
    return partitioner.partitions(
        Topics.OUTCOMES, "c1", new RoutedOutcome(outcome, replyTo), numPartitions);
  }

  @ParameterizedTest(name = "replyTo {0} of {1} partitions -> {2}")
  @CsvSource({"0, 6, 0", "3, 6, 3", "5, 6, 5", "0, 1, 0"})
  void shouldSendOutcomeToItsReplyPartition(int replyTo, int numPartitions, int expected) {
    // when
    Optional<Set<Integer>> partitions = partitionsOf(new ReplyTo(replyTo), numPartitions);

    // then
    assertThat(partitions).contains(Set.of(expected));
  }

  @ParameterizedTest(name = "replyTo {0} of {1} partitions -> {2}")
  @CsvSource({"6, 6, 0", "7, 6, 1", "2147483647, 6, 1", "9, 1, 0"})
  void shouldWrapReplyPartitionBeyondTheTopic(int replyTo, int numPartitions, int expected) {
    // when
    Optional<Set<Integer>> partitions = partitionsOf(new ReplyTo(replyTo), numPartitions);

    // then
    assertThat(partitions).contains(Set.of(expected));
  }

  @Test
  void shouldLeaveOutcomeWithoutReplyToToTheDefaultPartitioner() {
    // when
    Optional<Set<Integer>> partitions = partitionsOf(null, 6);

    // then
    assertThat(partitions).isEmpty();
  }

  @Test
  void shouldLeaveTombstoneToTheDefaultPartitioner() {
    // when
    Optional<Set<Integer>> partitions = partitioner.partitions(Topics.OUTCOMES, "c1", null, 6);

    // then
    assertThat(partitions).isEmpty();
  }

  @Test
  void shouldRouteDuplicateLikeAnyOtherOutcome() {
    // given
    RoutedOutcome duplicate = new RoutedOutcome(outcome.asDuplicate(), new ReplyTo(4));

    // when
    Optional<Set<Integer>> partitions = partitioner.partitions(Topics.OUTCOMES, "c1", duplicate, 6);

    // then
    assertThat(duplicate.outcome().status()).isEqualTo(OutcomeStatus.DUPLICATE);
    assertThat(partitions).contains(Set.of(4));
  }
}
