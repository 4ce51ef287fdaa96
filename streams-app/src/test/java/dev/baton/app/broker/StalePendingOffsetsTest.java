package dev.baton.app.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.broker.StalePendingOffsets.Candidate;
import dev.baton.app.broker.StalePendingOffsets.Look;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StalePendingOffsetsTest {

  private static final TopicPartition OFFSETS_0 = new TopicPartition("__consumer_offsets", 0);
  private static final TopicPartition COMMANDS_0 = new TopicPartition("baton.commands", 0);
  private static final TopicPartition COMMANDS_1 = new TopicPartition("baton.commands", 1);
  private static final Map<Long, String> OURS = Map.of(2L, "baton-p-1", 1000L, "baton-p-2");

  private static ProducerState onPartition(long producerId, int epoch, boolean open) {
    return new ProducerState(
        producerId,
        epoch,
        -1,
        0L,
        OptionalInt.of(32),
        open ? OptionalLong.of(100L) : OptionalLong.empty());
  }

  private static TransactionDescription described(
      long producerId, int epoch, TransactionState state) {
    return new TransactionDescription(
        1, state, producerId, epoch, 10_000, OptionalLong.empty(), Set.of());
  }

  @Test
  void heldPartitionsAreThoseTheStableFetchLeftOut() {
    Map<TopicPartition, OffsetAndMetadata> all =
        Map.of(COMMANDS_0, new OffsetAndMetadata(5), COMMANDS_1, new OffsetAndMetadata(7));

    assertThat(StalePendingOffsets.held(all, Map.of(COMMANDS_1, new OffsetAndMetadata(7))))
        .containsExactly(COMMANDS_0);
    assertThat(StalePendingOffsets.held(all, all)).isEmpty();
  }

  @Test
  void onlyAnAbortedTransactionOfOursWhoseProducerThePartitionKnowsIsACandidate() {
    List<ProducerState> producers =
        List.of(onPartition(2, 2627, false), onPartition(1000, 4547, false));

    assertThat(
            StalePendingOffsets.candidates(
                producers,
                List.of(
                    described(2, 2628, TransactionState.COMPLETE_ABORT),
                    described(1000, 4548, TransactionState.EMPTY)),
                OURS))
        .containsExactly(new Candidate("baton-p-1", 2, (short) 2628, 32));
    for (TransactionState notAborted :
        List.of(
            TransactionState.COMPLETE_COMMIT,
            TransactionState.ONGOING,
            TransactionState.PREPARE_ABORT,
            TransactionState.PREPARE_COMMIT,
            TransactionState.EMPTY)) {
      assertThat(
              StalePendingOffsets.candidates(
                  producers, List.of(described(2, 2628, notAborted)), OURS))
          .as("a commit is never sent again, a live transaction never touched: %s", notAborted)
          .isEmpty();
    }
    assertThat(
            StalePendingOffsets.candidates(
                producers, List.of(described(2, 2628, TransactionState.COMPLETE_ABORT)), Map.of()))
        .as("another application's producer")
        .isEmpty();
    assertThat(
            StalePendingOffsets.candidates(
                List.of(onPartition(2, 2629, false)),
                List.of(described(2, 2628, TransactionState.COMPLETE_ABORT)),
                OURS))
        .as("the partition saw a later epoch than the coordinator's abort")
        .isEmpty();
    assertThat(
            StalePendingOffsets.candidates(
                List.of(onPartition(1000, 4548, false)),
                List.of(described(2, 2628, TransactionState.COMPLETE_ABORT)),
                OURS))
        .as("a producer the offsets partition never saw")
        .isEmpty();
  }

  @Test
  void aTransactionOpenOnTheOffsetsPartitionRulesEveryCandidateOut() {
    List<ProducerState> producers =
        List.of(onPartition(2, 2627, false), onPartition(1000, 4548, true));

    assertThat(
            StalePendingOffsets.candidates(
                producers, List.of(described(2, 2628, TransactionState.COMPLETE_ABORT)), OURS))
        .isEmpty();
  }

  @Test
  void twoLooksMustAgreeOnTheHeldPartitionsAndTheCandidates() {
    Candidate c = new Candidate("baton-p-1", 2, (short) 2628, 32);
    Look look = new Look(OFFSETS_0, Set.of(COMMANDS_0), List.of(c));

    assertThat(StalePendingOffsets.confirmed(Look.NOTHING, look)).as("a first look").isFalse();
    assertThat(
            StalePendingOffsets.confirmed(
                look, new Look(OFFSETS_0, Set.of(COMMANDS_0), List.of(c))))
        .isTrue();
    assertThat(
            StalePendingOffsets.confirmed(
                look, new Look(OFFSETS_0, Set.of(COMMANDS_0, COMMANDS_1), List.of(c))))
        .as("other partitions held")
        .isFalse();
    assertThat(
            StalePendingOffsets.confirmed(
                look,
                new Look(
                    OFFSETS_0,
                    Set.of(COMMANDS_0),
                    List.of(new Candidate("baton-p-1", 2, (short) 2629, 32)))))
        .as("the producer moved on")
        .isFalse();
    assertThat(StalePendingOffsets.confirmed(look, new Look(OFFSETS_0, Set.of(), List.of(c))))
        .as("nothing held any more")
        .isFalse();
  }
}
