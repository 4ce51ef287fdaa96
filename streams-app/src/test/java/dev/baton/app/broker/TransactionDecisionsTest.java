package dev.baton.app.broker;

import static org.apache.kafka.coordinator.transaction.TransactionState.COMPLETE_ABORT;
import static org.apache.kafka.coordinator.transaction.TransactionState.COMPLETE_COMMIT;
import static org.apache.kafka.coordinator.transaction.TransactionState.EMPTY;
import static org.apache.kafka.coordinator.transaction.TransactionState.ONGOING;
import static org.apache.kafka.coordinator.transaction.TransactionState.PREPARE_ABORT;
import static org.apache.kafka.coordinator.transaction.TransactionState.PREPARE_COMMIT;
import static org.apache.kafka.coordinator.transaction.TransactionState.PREPARE_EPOCH_FENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.broker.HangingTransactions.OpenTransaction;
import dev.baton.app.broker.TransactionDecisions.Decision;
import dev.baton.app.broker.TransactionDecisions.Entry;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.coordinator.transaction.TransactionLog;
import org.apache.kafka.coordinator.transaction.TransactionState;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogValue;
import org.junit.jupiter.api.Test;

class TransactionDecisionsTest {

  private static final String ID = "baton-node-1-0_3";
  private static final TopicPartition OFFSETS = new TopicPartition("__consumer_offsets", 0);
  private static final TopicPartition EVENTS = new TopicPartition("baton.events", 3);
  private static final TopicPartition OUTCOMES = new TopicPartition("baton.outcomes", 3);

  /** Open on __consumer_offsets-0 with producer 5 at epoch 8, as a partition's leader says. */
  private static final OpenTransaction OPEN = new OpenTransaction(OFFSETS, 5, 8, 0, 21, 0);

  private static Entry entry(int epoch, TransactionState state, TopicPartition... partitions) {
    return new Entry(ID, 5, (short) epoch, state, Set.of(partitions));
  }

  private static Optional<Boolean> committed(List<Entry> log) {
    return TransactionDecisions.decisionFor(OPEN, log).map(Decision::commit);
  }

  @Test
  void theDecisionAfterThePartitionJoinedIsTheOneForItsMarker() {
    // Kafka 4's transaction version 2: the decision carries the epoch bumped by one.
    assertThat(
            committed(
                List.of(
                    entry(8, ONGOING, EVENTS),
                    entry(8, ONGOING, EVENTS, OFFSETS),
                    entry(9, PREPARE_COMMIT, EVENTS, OFFSETS),
                    entry(9, COMPLETE_COMMIT))))
        .contains(true);
    assertThat(
            committed(
                List.of(
                    entry(8, ONGOING, OUTCOMES, OFFSETS),
                    entry(9, PREPARE_ABORT, OUTCOMES, OFFSETS),
                    entry(9, COMPLETE_ABORT))))
        .contains(false);
  }

  @Test
  void aTransactionFencedByARestartedProducerWasAborted() {
    assertThat(
            committed(
                List.of(
                    entry(8, ONGOING, OFFSETS),
                    entry(8, PREPARE_EPOCH_FENCE, OFFSETS),
                    entry(9, PREPARE_ABORT, OFFSETS),
                    entry(9, COMPLETE_ABORT),
                    entry(10, EMPTY))))
        .contains(false);
  }

  @Test
  void anEarlierTransactionsDecisionIsNeverTakenForALaterOne() {
    // Epoch 7's transaction committed; epoch 8's joined the partition and its decision is not in
    // the log: no answer, although a commit of the same producer listing the partition is there.
    assertThat(
            committed(
                List.of(
                    entry(7, ONGOING, OFFSETS),
                    entry(8, PREPARE_COMMIT, OFFSETS),
                    entry(8, COMPLETE_COMMIT),
                    entry(8, ONGOING, OFFSETS))))
        .isEmpty();
    // Same epoch for both (transaction versions 0 and 1): the last join is this transaction's.
    assertThat(
            committed(
                List.of(
                    entry(8, ONGOING, OFFSETS),
                    entry(8, PREPARE_COMMIT, OFFSETS),
                    entry(8, COMPLETE_COMMIT),
                    entry(8, ONGOING, OFFSETS),
                    entry(8, PREPARE_ABORT, OFFSETS))))
        .contains(false);
  }

  @Test
  void noJoinOrACompletionWithoutADecisionOrAnotherPartitionMeansNoAnswer() {
    assertThat(committed(List.of(entry(9, PREPARE_COMMIT, OFFSETS)))).as("never joined").isEmpty();
    assertThat(committed(List.of(entry(8, ONGOING, OFFSETS), entry(9, COMPLETE_COMMIT))))
        .as("a completion with no decision before it (compacted away)")
        .isEmpty();
    assertThat(committed(List.of(entry(8, ONGOING, OFFSETS), entry(9, PREPARE_COMMIT, EVENTS))))
        .as("a decision that does not list the partition")
        .isEmpty();
    assertThat(
            committed(
                List.of(
                    entry(8, ONGOING, OFFSETS),
                    new Entry(ID, 6, (short) 0, PREPARE_COMMIT, Set.of(OFFSETS)))))
        .as("a decision of another producer id")
        .isEmpty();
    assertThat(committed(List.of(entry(8, ONGOING, EVENTS), entry(9, PREPARE_COMMIT, EVENTS))))
        .as("the partition never joined")
        .isEmpty();
  }

  @Test
  void anotherTransactionalIdsRecordsInBetweenAreSkipped() {
    assertThat(
            committed(
                List.of(
                    entry(8, ONGOING, OFFSETS),
                    new Entry("other", 11, (short) 2, PREPARE_ABORT, Set.of(OFFSETS)),
                    entry(9, PREPARE_COMMIT, OFFSETS))))
        .contains(true);
  }

  @Test
  void readsTheCoordinatorsRecordFormat() {
    byte[] key = TransactionLog.keyToBytes(ID);
    TransactionLogValue value =
        new TransactionLogValue()
            .setProducerId(5)
            .setProducerEpoch((short) 9)
            .setTransactionTimeoutMs(10_000)
            .setTransactionStatus(PREPARE_COMMIT.id())
            .setTransactionPartitions(
                List.of(
                    new TransactionLogValue.PartitionsSchema()
                        .setTopic("__consumer_offsets")
                        .setPartitionIds(List.of(0, 7))));
    for (short version = TransactionLogValue.LOWEST_SUPPORTED_VERSION;
        version <= TransactionLogValue.HIGHEST_SUPPORTED_VERSION;
        version++) {
      byte[] bytes = MessageUtil.toVersionPrefixedBytes(version, value);

      assertThat(TransactionDecisions.entryOf(key, bytes))
          .as("value version %d", version)
          .contains(
              new Entry(
                  ID,
                  5,
                  (short) 9,
                  PREPARE_COMMIT,
                  Set.of(OFFSETS, new TopicPartition("__consumer_offsets", 7))));
    }
    assertThat(TransactionDecisions.entryOf(key, null)).as("a tombstone").isEmpty();
    assertThat(TransactionDecisions.entryOf(new byte[] {0, 5, 1}, new byte[] {0, 0}))
        .as("a key of another schema version")
        .isEmpty();
  }

  @Test
  void theLastDecisionOnAPartitionIsTheOneThatEndedTheProducersLastTransactionThere() {
    List<Entry> log =
        List.of(
            entry(8, ONGOING, EVENTS, OFFSETS),
            entry(9, PREPARE_COMMIT, EVENTS, OFFSETS),
            entry(9, COMPLETE_COMMIT),
            entry(9, ONGOING, OUTCOMES, OFFSETS),
            entry(10, PREPARE_ABORT, OUTCOMES, OFFSETS),
            entry(10, COMPLETE_ABORT),
            // initialised again, then a transaction that never joined the offsets partition
            entry(11, EMPTY),
            entry(11, ONGOING, EVENTS),
            entry(12, PREPARE_COMMIT, EVENTS),
            entry(12, COMPLETE_COMMIT));

    Optional<Decision> last = TransactionDecisions.lastDecisionOn(5, OFFSETS, log);
    assertThat(last).map(Decision::commit).contains(false);
    assertThat(last.orElseThrow().record().producerEpoch()).isEqualTo((short) 10);
    assertThat(last.orElseThrow().transactionalId()).isEqualTo(ID);
    assertThat(TransactionDecisions.lastDecisionOn(5, EVENTS, log))
        .map(Decision::commit)
        .as("the events partition's last transaction committed")
        .contains(true);
    assertThat(TransactionDecisions.lastDecisionOn(6, OFFSETS, log))
        .as("another producer")
        .isEmpty();
    assertThat(
            TransactionDecisions.lastDecisionOn(
                5,
                OFFSETS,
                List.of(
                    entry(9, ONGOING, OUTCOMES, OFFSETS),
                    entry(10, PREPARE_ABORT, OUTCOMES, OFFSETS),
                    entry(10, COMPLETE_ABORT),
                    entry(10, ONGOING, OFFSETS))))
        .as("its last transaction there is still open: no decision yet")
        .isEmpty();
  }
}
