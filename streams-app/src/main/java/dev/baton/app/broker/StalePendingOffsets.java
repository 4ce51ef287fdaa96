package dev.baton.app.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears offsets a group coordinator keeps pending for a transaction that has already been aborted
 * (Kafka 4.4). After a broker's restart its group coordinator can reload {@code __consumer_offsets}
 * ("out of sync with the underlying log") while the transaction coordinator writes the abort marker
 * of a fenced stream thread's transaction; the marker is written, the transaction is {@code
 * CompleteAbort}, no partition holds it open, but the group coordinator still holds the aborted
 * offsets pending and answers every stable offset fetch of those input partitions "unstable
 * offsets", so the topology never gets its committed offsets (crash suite, docs/reliability.md). A
 * marker on {@code __consumer_offsets} is the one thing that makes a group coordinator drop a
 * producer's pending offsets, so this writes the coordinator's own decision, ABORT, again for that
 * producer.
 *
 * <p>Only ever an abort, and only when every one of these holds at two looks in a row (the watch
 * looks at most once a second, so they are at least that far apart): the group's stable offsets
 * lack partitions its plain offsets have; no transaction is open on the group's {@code
 * __consumer_offsets} partition (an open one is the coordinator's or {@link HangingTransactions}'
 * business); and the producer is one of this application's, its transactional id's state is {@code
 * CompleteAbort} at an epoch not below the partition's record of it. Nothing else is touched. A
 * producer's pending offsets on a partition are cleared by every marker it writes there, so offsets
 * that stay pending mean it has not completed a transaction there since; if it begins one between
 * the look and the marker, the marker aborts that transaction's offsets only (its commands are then
 * read again and answered as duplicates); a commit is never re-sent, since it could commit a
 * transaction's offsets ahead of its data.
 */
public final class StalePendingOffsets {
  private static final Logger LOG = LoggerFactory.getLogger(StalePendingOffsets.class);

  /** A producer whose aborted transaction's offsets the group coordinator may still hold. */
  public record Candidate(
      String transactionalId, long producerId, short producerEpoch, int coordinatorEpoch) {}

  /** One look: the held input partitions and the candidates for the marker. */
  public record Look(
      TopicPartition offsetsPartition, Set<TopicPartition> held, List<Candidate> candidates) {

    static final Look NOTHING = new Look(null, Set.of(), List.of());

    boolean actionable() {
      return !held.isEmpty() && !candidates.isEmpty();
    }
  }

  private final String groupId;
  private final HangingTransactions.Scope scope;
  private Look previous = Look.NOTHING;
  private TopicPartition offsetsPartition;

  public StalePendingOffsets(String groupId, HangingTransactions.Scope scope) {
    this.groupId = groupId;
    this.scope = scope;
  }

  /**
   * The partitions whose committed offset {@code all} has but the stable fetch {@code stable} did
   * not return: held back by pending transactional offsets.
   */
  static Set<TopicPartition> held(
      Map<TopicPartition, OffsetAndMetadata> all, Map<TopicPartition, OffsetAndMetadata> stable) {
    Set<TopicPartition> held = new HashSet<>(all.keySet());
    held.removeAll(stable.keySet());
    return held;
  }

  /**
   * The producers on the group's offsets partition ({@code onPartition}, as its leader reports
   * them) whose transactional id in scope is {@code CompleteAbort}, at the coordinator's epoch;
   * none when the partition holds any transaction open.
   */
  static List<Candidate> candidates(
      Collection<ProducerState> onPartition,
      Collection<TransactionDescription> described,
      Map<Long, String> idsByProducer) {
    if (onPartition.stream().anyMatch(p -> p.currentTransactionStartOffset().isPresent())) {
      return List.of();
    }
    List<Candidate> result = new ArrayList<>();
    for (TransactionDescription d : described) {
      String id = idsByProducer.get(d.producerId());
      if (id == null || d.state() != TransactionState.COMPLETE_ABORT) {
        continue;
      }
      onPartition.stream()
          .filter(p -> p.producerId() == d.producerId() && p.producerEpoch() <= d.producerEpoch())
          .findFirst()
          .ifPresent(
              p ->
                  result.add(
                      new Candidate(
                          id,
                          d.producerId(),
                          (short) d.producerEpoch(),
                          Math.max(0, p.coordinatorEpoch().orElse(0)))));
    }
    return result;
  }

  /** Whether two looks agree: the same held partitions and candidates, and something to do. */
  static boolean confirmed(Look first, Look second) {
    return second.actionable()
        && second.offsetsPartition().equals(first.offsetsPartition())
        && second.held().equals(first.held())
        && second.candidates().equals(first.candidates());
  }

  /**
   * Takes one look, and writes the abort markers when it agrees with the previous look; returns the
   * candidates it wrote a marker for.
   */
  public List<Candidate> check(Admin admin, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    Look look = look(admin, timeout.toMillis());
    Look before = previous;
    previous = look;
    if (!confirmed(before, look)) {
      return List.of();
    }
    previous = Look.NOTHING;
    List<Candidate> written = new ArrayList<>();
    for (Candidate c : look.candidates()) {
      try {
        TransactionMarkers.write(
            HangingTransactions.leader(admin, look.offsetsPartition(), timeout),
            look.offsetsPartition(),
            c.producerId(),
            c.producerEpoch(),
            c.coordinatorEpoch(),
            false,
            (int) timeout.toMillis());
      } catch (IOException e) {
        LOG.error(
            "could not clear the aborted offsets {} of group {} for {}: {}",
            look.held(),
            groupId,
            c,
            e.toString());
        continue;
      }
      written.add(c);
      LOG.warn(
          "group {} held offsets of {} pending after their transaction had been aborted ({},"
              + " CompleteAbort, no transaction open on {}); wrote the coordinator's ABORT to {}"
              + " again so that its group coordinator drops them (Kafka 4.4 reload after a broker"
              + " restart; docs/reliability.md)",
          groupId,
          look.held(),
          c,
          look.offsetsPartition(),
          look.offsetsPartition());
    }
    return written;
  }

  private Look look(Admin admin, long ms)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> all =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(ms, MS);
    if (all.isEmpty()) {
      return Look.NOTHING;
    }
    Map<TopicPartition, OffsetAndMetadata> stable =
        admin
            .listConsumerGroupOffsets(
                Map.of(groupId, new ListConsumerGroupOffsetsSpec()),
                new ListConsumerGroupOffsetsOptions().requireStable(true))
            .partitionsToOffsetAndMetadata(groupId)
            .get(ms, MS);
    Set<TopicPartition> held = held(all, stable);
    if (held.isEmpty()) {
      return Look.NOTHING;
    }
    if (offsetsPartition == null) {
      // __consumer_offsets keeps its partition count for good: looked up once.
      offsetsPartition = offsetsPartition(admin, groupId, ms);
    }
    TopicPartition offsets = offsetsPartition;
    List<ProducerState> producers =
        admin
            .describeProducers(List.of(offsets))
            .partitionResult(offsets)
            .get(ms, MS)
            .activeProducers();
    Collection<TransactionListing> listings = HangingTransactions.listings(admin, ms);
    Map<Long, String> ours = new HashMap<>();
    listings.stream()
        .filter(l -> scope.transactionalIds().test(l.transactionalId()))
        .forEach(l -> ours.put(l.producerId(), l.transactionalId()));
    Collection<TransactionDescription> described =
        HangingTransactions.tracked(admin, listings, scope, ms);
    return new Look(offsets, held, candidates(producers, described, ours));
  }

  /** The {@code __consumer_offsets} partition that holds {@code groupId}'s offsets. */
  static TopicPartition offsetsPartition(Admin admin, String groupId, long ms)
      throws InterruptedException, ExecutionException, TimeoutException {
    int count =
        admin
            .describeTopics(List.of(Topic.GROUP_METADATA_TOPIC_NAME))
            .allTopicNames()
            .get(ms, MS)
            .get(Topic.GROUP_METADATA_TOPIC_NAME)
            .partitions()
            .size();
    return new TopicPartition(
        Topic.GROUP_METADATA_TOPIC_NAME, Utils.abs(groupId.hashCode()) % count);
  }

  private static final TimeUnit MS = TimeUnit.MILLISECONDS;
}
