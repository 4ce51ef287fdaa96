package dev.baton.app.broker;

import static org.apache.kafka.coordinator.transaction.TransactionState.COMPLETE_ABORT;
import static org.apache.kafka.coordinator.transaction.TransactionState.COMPLETE_COMMIT;
import static org.apache.kafka.coordinator.transaction.TransactionState.EMPTY;
import static org.apache.kafka.coordinator.transaction.TransactionState.ONGOING;
import static org.apache.kafka.coordinator.transaction.TransactionState.PREPARE_ABORT;
import static org.apache.kafka.coordinator.transaction.TransactionState.PREPARE_COMMIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.broker.StalePendingOffsets.Candidate;
import dev.baton.app.broker.StalePendingOffsets.Look;
import dev.baton.app.broker.TransactionDecisions.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.coordinator.transaction.TransactionState;
import org.junit.jupiter.api.Test;

class StalePendingOffsetsTest {

  private static final TopicPartition OFFSETS_0 = new TopicPartition("__consumer_offsets", 0);
  private static final TopicPartition OFFSETS_1 = new TopicPartition("__consumer_offsets", 1);
  private static final TopicPartition COMMANDS_0 = new TopicPartition("baton.commands", 0);
  private static final TopicPartition COMMANDS_1 = new TopicPartition("baton.commands", 1);
  private static final TopicPartition EVENTS_0 = new TopicPartition("baton.events", 0);
  private static final Predicate<String> OURS = id -> id.startsWith("baton-");

  private static ProducerState onPartition(long producerId, int epoch, boolean open) {
    return new ProducerState(
        producerId,
        epoch,
        -1,
        0L,
        OptionalInt.of(32),
        open ? OptionalLong.of(100L) : OptionalLong.empty());
  }

  private static Entry entry(
      String id, long producerId, int epoch, TransactionState state, TopicPartition... joined) {
    return new Entry(id, producerId, (short) epoch, state, Set.of(joined));
  }

  /** Producer 2 ("baton-p-1") whose transaction on the offsets partition ended with {@code end}. */
  private static List<Entry> ended(TransactionState prepare, TransactionState complete) {
    return List.of(
        entry("baton-p-1", 2, 2627, ONGOING, EVENTS_0, OFFSETS_0),
        entry("baton-p-1", 2, 2628, prepare, EVENTS_0, OFFSETS_0),
        entry("baton-p-1", 2, 2628, complete));
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
  void aProducerWhoseLastTransactionOnTheOffsetsPartitionWasAbortedIsACandidate() {
    assertThat(
            StalePendingOffsets.candidates(
                OFFSETS_0,
                List.of(onPartition(2, 2628, false)),
                ended(PREPARE_ABORT, COMPLETE_ABORT),
                OURS))
        .containsExactly(new Candidate("baton-p-1", 2, (short) 2628, 32));
  }

  @Test
  void aProducerInitialisedAgainSinceItsAbortIsStillACandidateAtTheAbortsEpoch() {
    // Run 4 of the split soak, iteration 37: the held producer's transactional id was Empty.
    List<Entry> log = new ArrayList<>(ended(PREPARE_ABORT, COMPLETE_ABORT));
    log.add(entry("baton-p-1", 2, 2629, EMPTY));
    log.add(entry("baton-p-1", 2, 2629, ONGOING, EVENTS_0));
    log.add(entry("baton-p-1", 2, 2630, PREPARE_COMMIT, EVENTS_0));
    log.add(entry("baton-p-1", 2, 2630, COMPLETE_COMMIT));

    assertThat(
            StalePendingOffsets.candidates(
                OFFSETS_0, List.of(onPartition(2, 2628, false)), log, OURS))
        .containsExactly(new Candidate("baton-p-1", 2, (short) 2628, 32));
  }

  @Test
  void aCommitIsNeverSentAgainNorAnythingWithoutADecision() {
    List<ProducerState> producers = List.of(onPartition(2, 2628, false));

    assertThat(
            StalePendingOffsets.candidates(
                OFFSETS_0, producers, ended(PREPARE_COMMIT, COMPLETE_COMMIT), OURS))
        .as("decided COMMIT")
        .isEmpty();
    assertThat(
            StalePendingOffsets.candidates(
                OFFSETS_0,
                producers,
                List.of(entry("baton-p-1", 2, 2627, ONGOING, EVENTS_0, OFFSETS_0)),
                OURS))
        .as("no decision recorded")
        .isEmpty();
    assertThat(StalePendingOffsets.candidates(OFFSETS_0, producers, List.of(), OURS))
        .as("the log says nothing of the producer (compacted)")
        .isEmpty();
    assertThat(
            StalePendingOffsets.candidates(
                OFFSETS_1, producers, ended(PREPARE_ABORT, COMPLETE_ABORT), OURS))
        .as("its aborted transaction never joined this offsets partition")
        .isEmpty();
  }

  @Test
  void onlyOurProducersAtAnEpochThePartitionHasNotPassedAreCandidates() {
    List<Entry> log = ended(PREPARE_ABORT, COMPLETE_ABORT);

    assertThat(
            StalePendingOffsets.candidates(
                OFFSETS_0, List.of(onPartition(2, 2628, false)), log, id -> false))
        .as("another application's producer")
        .isEmpty();
    assertThat(
            StalePendingOffsets.candidates(
                OFFSETS_0, List.of(onPartition(2, 2629, false)), log, OURS))
        .as("the partition saw a later epoch than the coordinator's abort")
        .isEmpty();
    assertThat(
            StalePendingOffsets.candidates(
                OFFSETS_0, List.of(onPartition(1000, 4548, false)), log, OURS))
        .as("a producer the log does not show")
        .isEmpty();
  }

  @Test
  void aTransactionOpenOnTheOffsetsPartitionRulesEveryCandidateOut() {
    List<ProducerState> producers =
        List.of(onPartition(2, 2628, false), onPartition(1000, 4548, true));

    assertThat(
            StalePendingOffsets.candidates(
                OFFSETS_0, producers, ended(PREPARE_ABORT, COMPLETE_ABORT), OURS))
        .isEmpty();
  }

  @Test
  void candidatesComeInProducerIdOrderWhateverTheLeadersOrder() {
    List<Entry> log = new ArrayList<>(ended(PREPARE_ABORT, COMPLETE_ABORT));
    log.add(entry("baton-p-2", 7, 3, ONGOING, OFFSETS_0));
    log.add(entry("baton-p-2", 7, 4, PREPARE_ABORT, OFFSETS_0));

    List<Candidate> expected =
        List.of(
            new Candidate("baton-p-1", 2, (short) 2628, 32),
            new Candidate("baton-p-2", 7, (short) 4, 32));
    assertThat(
            StalePendingOffsets.candidates(
                OFFSETS_0,
                List.of(onPartition(7, 4, false), onPartition(2, 2628, false)),
                log,
                OURS))
        .containsExactlyElementsOf(expected);
    assertThat(
            StalePendingOffsets.candidates(
                OFFSETS_0,
                List.of(onPartition(2, 2628, false), onPartition(7, 4, false)),
                log,
                OURS))
        .containsExactlyElementsOf(expected);
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

  @Test
  void aCandidatesAbortIsWrittenAgainAfterTenSecondsDoublingUpToFiveMinutes() {
    assertThat(StalePendingOffsets.retryAfter(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(StalePendingOffsets.retryAfter(2)).isEqualTo(Duration.ofSeconds(20));
    assertThat(StalePendingOffsets.retryAfter(3)).isEqualTo(Duration.ofSeconds(40));
    assertThat(StalePendingOffsets.retryAfter(6)).isEqualTo(Duration.ofMinutes(5));
    assertThat(StalePendingOffsets.retryAfter(1000)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aCandidatesAbortIsWrittenOnceThenAgainOnlyAfterItsWaitAndAStallIsReportedOnce() {
    StalePendingOffsets stale =
        new StalePendingOffsets("baton", HangingTransactions.Scope.everything(), Map.of(), () -> 0);
    Candidate c = new Candidate("baton-p-1", 2, (short) 2628, 32);
    Candidate d = new Candidate("baton-p-2", 7, (short) 4, 32);
    Look look = new Look(OFFSETS_0, Set.of(COMMANDS_0), List.of(c, d));
    long second = Duration.ofSeconds(1).toNanos();

    assertThat(stale.due(look, 0)).containsExactly(c, d);
    assertThat(stale.wrote(c, 0)).isEqualTo(1);
    assertThat(stale.due(look, 9 * second)).as("c waits 10 s").containsExactly(d);
    assertThat(stale.due(look, 10 * second)).containsExactly(c, d);
    assertThat(stale.wrote(c, 10 * second)).isEqualTo(2);
    assertThat(stale.due(look, 29 * second)).as("then 20 s").containsExactly(d);
    assertThat(stale.wrote(c, 30 * second)).isEqualTo(3);
    assertThat(stale.stuck(look)).as("d was never written").isFalse();
    for (int i = 0; i < 3; i++) {
      stale.wrote(d, 30 * second);
    }
    assertThat(stale.stuck(look)).as("every candidate written three times").isTrue();
    assertThat(stale.stuck(look)).as("said once").isFalse();

    stale.forget();
    assertThat(stale.due(look, 31 * second))
        .as("a later stall starts afresh")
        .containsExactly(c, d);
    assertThat(stale.stuck(look)).isFalse();
  }
}
