package dev.baton.app.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ProducerState;
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
 * of a fenced stream thread's transaction; the marker is written, no partition holds the
 * transaction open, but the group coordinator still holds the aborted offsets pending and answers
 * every stable offset fetch of those input partitions "unstable offsets", so the topology never
 * gets its committed offsets (crash suite, docs/reliability.md). A marker on {@code
 * __consumer_offsets} is the one thing that makes a group coordinator drop a producer's pending
 * offsets, so this writes the coordinator's own decision, ABORT, again for that producer.
 *
 * <p>Only ever an abort, and only when every one of these holds at two looks in a row (the watch
 * looks at most once a second, so they are at least that far apart): the group's stable offsets
 * lack partitions its plain offsets have; no transaction is open on the group's {@code
 * __consumer_offsets} partition (an open one is the coordinator's or {@link HangingTransactions}'
 * business); and the coordinators' log ({@link TransactionDecisions#lastDecisionOn}) shows that the
 * last transaction in which the producer joined that partition was decided ABORT, under a
 * transactional id of this application, at an epoch not below the partition's record of the
 * producer. Which of the producers' offsets the group coordinator holds is visible to no client
 * API, so every such producer is a candidate; the marker ends nothing but what it left pending. The
 * producer's transactional id may have been initialised again since (its state {@code Empty}): the
 * partition still holds what the decided transaction left.
 *
 * <p>A producer's pending offsets on a partition are cleared by every marker it writes there, so
 * offsets that stay pending mean it has not completed a transaction there since. The partition is
 * asked once more right before the markers, and none is written if a transaction is open there by
 * then; if the producer begins one in the milliseconds between that and the marker, the marker
 * aborts that transaction's offsets only (its commands are then read again and answered as
 * duplicates); a commit is never re-sent, since it could commit a transaction's offsets ahead of
 * its data.
 *
 * <p>Each candidate's abort is written once, and again only if the same offsets are still held
 * after {@link #FIRST_RETRY}, then after twice as long each time up to {@link #LONGEST_RETRY} (a
 * marker the coordinator loses in another reload is written again; one that changes nothing is not
 * repeated every second). When the offsets are still held after {@link #REPORT_AFTER_WRITES} writes
 * of every candidate, it says so once at ERROR: the operator's procedure is in docs/operations.md.
 * Once nothing is held, it forgets what it wrote.
 */
public final class StalePendingOffsets {
  private static final Logger LOG = LoggerFactory.getLogger(StalePendingOffsets.class);

  /** The wait before a candidate's abort is written again, doubled at each write. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(10);

  /** The longest wait between two writes of a candidate's abort. */
  static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

  /** After how many writes of every candidate offsets still held are reported at ERROR. */
  static final int REPORT_AFTER_WRITES = 3;

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

  /** How often a candidate's abort was written, and when it may be written again. */
  private record Written(int times, long nextNanos) {}

  private final String groupId;
  private final HangingTransactions.Scope scope;
  private final Map<String, Object> clientSettings;
  private final LongSupplier nanoTime;
  private final Map<Candidate, Written> written = new HashMap<>();
  private Look previous = Look.NOTHING;
  private TopicPartition offsetsPartition;
  private boolean reported;

  /**
   * For consumer group {@code groupId}, the producers in {@code scope}, reading the coordinators'
   * log over {@code clientSettings} (Kafka client settings: bootstrap servers and security).
   */
  public StalePendingOffsets(
      String groupId, HangingTransactions.Scope scope, Map<String, Object> clientSettings) {
    this(groupId, scope, clientSettings, System::nanoTime);
  }

  StalePendingOffsets(
      String groupId,
      HangingTransactions.Scope scope,
      Map<String, Object> clientSettings,
      LongSupplier nanoTime) {
    this.groupId = groupId;
    this.scope = scope;
    this.clientSettings = Map.copyOf(clientSettings);
    this.nanoTime = nanoTime;
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

  /** Whether any producer holds a transaction open on the offsets partition. */
  static boolean anyOpen(Collection<ProducerState> onPartition) {
    return onPartition.stream().anyMatch(p -> p.currentTransactionStartOffset().isPresent());
  }

  /**
   * The producers on the group's offsets partition {@code offsets} ({@code onPartition}, as its
   * leader reports them) whose last transaction there the coordinators' {@code log} shows decided
   * ABORT, under a transactional id {@code ours} accepts, at an epoch not below the partition's
   * record of the producer; in producer id order, each with the decision's epoch and the
   * partition's coordinator epoch. None when the partition holds any transaction open.
   */
  static List<Candidate> candidates(
      TopicPartition offsets,
      Collection<ProducerState> onPartition,
      List<TransactionDecisions.Entry> log,
      Predicate<String> ours) {
    if (anyOpen(onPartition)) {
      return List.of();
    }
    List<Candidate> result = new ArrayList<>();
    onPartition.stream()
        .sorted(Comparator.comparingLong(ProducerState::producerId))
        .forEach(
            p ->
                TransactionDecisions.lastDecisionOn(p.producerId(), offsets, log)
                    .filter(d -> !d.commit() && ours.test(d.transactionalId()))
                    .filter(d -> p.producerEpoch() <= d.record().producerEpoch())
                    .ifPresent(
                        d ->
                            result.add(
                                new Candidate(
                                    d.transactionalId(),
                                    p.producerId(),
                                    d.record().producerEpoch(),
                                    Math.max(0, p.coordinatorEpoch().orElse(0))))));
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
   * Takes one look, and writes the abort markers due (see the class comment) when it agrees with
   * the previous look; returns the candidates it wrote a marker for.
   */
  public List<Candidate> check(Admin admin, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    Look look = look(admin, timeout);
    Look before = previous;
    previous = look;
    if (look.held().isEmpty()) {
      forget();
    }
    if (!confirmed(before, look)) {
      return List.of();
    }
    previous = Look.NOTHING;
    long now = nanoTime.getAsLong();
    List<Candidate> due = due(look, now);
    if (stuck(look)) {
      LOG.error(
          "group {} still holds offsets of {} pending after the abort of each of {} was written"
              + " again {} times; its stream threads cannot fetch their committed offsets. See"
              + " docs/operations.md, 'Offsets held pending': {} must be reloaded",
          groupId,
          look.held(),
          look.candidates(),
          REPORT_AFTER_WRITES,
          look.offsetsPartition());
    }
    if (!due.isEmpty() && anyOpen(producers(admin, look.offsetsPartition(), timeout.toMillis()))) {
      // A transaction began on the partition since the look (which read the coordinators' log
      // after its own check): the marker waits for a look that agrees again.
      return List.of();
    }
    List<Candidate> wrote = new ArrayList<>();
    for (Candidate c : due) {
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
      int times = wrote(c, now);
      wrote.add(c);
      LOG.warn(
          "group {} held offsets of {} pending after their transaction had been aborted ({},"
              + " decided ABORT, no transaction open on {}); wrote the coordinator's ABORT to {}"
              + " again (write {}) so that its group coordinator drops them (Kafka 4.4 reload after"
              + " a broker restart; docs/reliability.md)",
          groupId,
          look.held(),
          c,
          look.offsetsPartition(),
          look.offsetsPartition(),
          times);
    }
    return wrote;
  }

  /** Of a confirmed look's candidates, those whose abort is due at {@code nowNanos}. */
  List<Candidate> due(Look look, long nowNanos) {
    return look.candidates().stream()
        .filter(c -> !written.containsKey(c) || nowNanos - written.get(c).nextNanos() >= 0)
        .toList();
  }

  /** Records that {@code c}'s abort was written at {@code nowNanos}; returns how often it was. */
  int wrote(Candidate c, long nowNanos) {
    int times = written.containsKey(c) ? written.get(c).times() + 1 : 1;
    written.put(c, new Written(times, nowNanos + retryAfter(times).toNanos()));
    return times;
  }

  /**
   * Whether a confirmed look's offsets are still held although every candidate's abort was written
   * {@link #REPORT_AFTER_WRITES} times; true once per stall.
   */
  boolean stuck(Look look) {
    boolean exhausted =
        look.candidates().stream()
            .allMatch(c -> written.containsKey(c) && written.get(c).times() >= REPORT_AFTER_WRITES);
    if (!exhausted || reported) {
      return false;
    }
    reported = true;
    return true;
  }

  /** Nothing is held: forgets what was written, so that a later stall starts afresh. */
  void forget() {
    written.clear();
    reported = false;
  }

  /** The wait after a candidate's {@code times}-th write before it is written again. */
  static Duration retryAfter(int times) {
    Duration wait = FIRST_RETRY;
    for (int i = 1; i < times && wait.compareTo(LONGEST_RETRY) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(LONGEST_RETRY) < 0 ? wait : LONGEST_RETRY;
  }

  private Look look(Admin admin, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long ms = timeout.toMillis();
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
    List<ProducerState> producers = producers(admin, offsets, ms);
    if (anyOpen(producers)) {
      return new Look(offsets, held, List.of());
    }
    List<TransactionDecisions.Entry> log = TransactionDecisions.read(clientSettings, timeout);
    return new Look(offsets, held, candidates(offsets, producers, log, scope.transactionalIds()));
  }

  /** The producers {@code offsets}' leader knows. */
  private static List<ProducerState> producers(Admin admin, TopicPartition offsets, long ms)
      throws InterruptedException, ExecutionException, TimeoutException {
    return admin
        .describeProducers(List.of(offsets))
        .partitionResult(offsets)
        .get(ms, MS)
        .activeProducers();
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
