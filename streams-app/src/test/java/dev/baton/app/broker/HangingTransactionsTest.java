package dev.baton.app.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.broker.HangingTransactions.OpenTransaction;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class HangingTransactionsTest {

  private static final TopicPartition OFFSETS_0 = new TopicPartition("__consumer_offsets", 0);
  private static final TopicPartition COMMANDS_0 = new TopicPartition("baton.commands", 0);
  private static final long NOW = 1_000_000L;
  private static final long MIN_AGE = 10_000L;

  private static OpenTransaction open(TopicPartition tp, long producerId, long ageMs) {
    return new OpenTransaction(tp, producerId, 7, 3, 42L, NOW - ageMs);
  }

  private static TransactionDescription tracked(
      long producerId, TransactionState state, TopicPartition... partitions) {
    return new TransactionDescription(
        1, state, producerId, 7, 10_000, OptionalLong.of(NOW - 60_000), Set.of(partitions));
  }

  @Test
  void aTransactionNoCoordinatorKnowsIsHangingOnceOlderThanTheMinimumAge() {
    OpenTransaction old = open(OFFSETS_0, 5, MIN_AGE + 1);
    OpenTransaction young = open(COMMANDS_0, 5, MIN_AGE - 1);

    assertThat(HangingTransactions.hanging(List.of(old, young), List.of(), NOW, MIN_AGE))
        .containsExactly(old);
  }

  @Test
  void aTransactionItsCoordinatorStillTracksIsNeverAbortedWhateverItsAge() {
    OpenTransaction veryOld = open(OFFSETS_0, 5, 3_600_000);

    for (TransactionState live :
        List.of(
            TransactionState.ONGOING,
            TransactionState.PREPARE_ABORT,
            TransactionState.PREPARE_COMMIT,
            TransactionState.PREPARE_EPOCH_FENCE)) {
      assertThat(
              HangingTransactions.hanging(
                  List.of(veryOld), List.of(tracked(5, live, OFFSETS_0)), NOW, MIN_AGE))
          .as("coordinator state %s", live)
          .isEmpty();
    }
  }

  @Test
  void aCoordinatorThatFinishedTheTransactionOrTracksAnotherPartitionDoesNotCoverIt() {
    OpenTransaction open = open(OFFSETS_0, 5, MIN_AGE + 1);

    // Completed: the coordinator has written every marker it knows of; this one it never will.
    assertThat(
            HangingTransactions.hanging(
                List.of(open),
                List.of(tracked(5, TransactionState.COMPLETE_ABORT, OFFSETS_0)),
                NOW,
                MIN_AGE))
        .containsExactly(open);
    // Ongoing, but without this partition: the coordinator will not send it a marker.
    assertThat(
            HangingTransactions.hanging(
                List.of(open),
                List.of(tracked(5, TransactionState.ONGOING, COMMANDS_0)),
                NOW,
                MIN_AGE))
        .containsExactly(open);
    // The partition, but under another producer id (the transactional id moved on).
    assertThat(
            HangingTransactions.hanging(
                List.of(open),
                List.of(tracked(6, TransactionState.ONGOING, OFFSETS_0)),
                NOW,
                MIN_AGE))
        .containsExactly(open);
  }

  @Test
  void onlyATransactionTheSecondLookFindsHangingUnchangedIsConfirmed() {
    OpenTransaction orphan = open(OFFSETS_0, 5, MIN_AGE + 1);
    OpenTransaction nowTracked = open(COMMANDS_0, 6, MIN_AGE + 1);
    OpenTransaction rewritten = open(new TopicPartition("baton.events", 0), 7, MIN_AGE + 1);
    OpenTransaction rewrittenLater =
        new OpenTransaction(rewritten.partition(), 7, 7, 3, 43L, NOW - MIN_AGE - 1);

    // The second look: the coordinator tracks producer 6 by now (it is not hanging there), and
    // producer 7's open transaction on baton.events-0 starts at another offset (a new one).
    assertThat(
            HangingTransactions.confirmed(
                List.of(orphan, nowTracked, rewritten), List.of(orphan, rewrittenLater)))
        .containsExactly(orphan);
  }

  @Test
  void aMarkerNeverCarriesANegativeCoordinatorEpoch() {
    assertThat(new OpenTransaction(OFFSETS_0, 5, 7, -1, 42L, NOW).markerCoordinatorEpoch())
        .isZero();
    assertThat(new OpenTransaction(OFFSETS_0, 5, 7, 3, 42L, NOW).markerCoordinatorEpoch())
        .isEqualTo(3);
  }

  @Test
  void onASharedClusterOnlyTheApplicationsOwnProducersAreInScope() {
    OpenTransaction ours = open(OFFSETS_0, 5, 0);
    OpenTransaction anotherApplications = open(OFFSETS_0, 6, 0);
    OpenTransaction unlisted = open(COMMANDS_0, 7, 0);
    List<TransactionListing> listings =
        List.of(
            new TransactionListing("baton-4f1c-1", 5, TransactionState.EMPTY),
            new TransactionListing("billing-4f1c-1", 6, TransactionState.EMPTY),
            // A prefix of ours without its dash is another application's.
            new TransactionListing("batonx-1", 8, TransactionState.EMPTY));
    List<OpenTransaction> open = List.of(ours, anotherApplications, unlisted);

    assertThat(
            HangingTransactions.inScope(
                open, listings, HangingTransactions.Scope.application("baton", t -> true)))
        .as("a producer id no coordinator lists is not provably ours")
        .containsExactly(ours);
    assertThat(HangingTransactions.inScope(open, listings, HangingTransactions.Scope.everything()))
        .as("on the embedded broker every producer is the node's")
        .containsExactly(ours, anotherApplications, unlisted);
  }
}
