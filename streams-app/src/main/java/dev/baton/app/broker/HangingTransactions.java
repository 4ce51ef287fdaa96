package dev.baton.app.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and completes hanging transactions: a transaction open on a partition (the partition's
 * leader keeps it open, so {@code read_committed} readers and stable offset fetches stop at it)
 * that its transaction coordinator does not track, so no coordinator will ever write its commit or
 * abort marker. {@code kafka-transactions.sh find-hanging} finds them too, but its {@code abort}
 * aborts whatever the coordinator decided; {@link #completeHanging} writes the marker the
 * coordinator decided, read from its log.
 *
 * <p>Safety: a transaction is only called hanging when the coordinator, asked <em>before</em> the
 * partition, does not list that partition in a live transaction of that producer id, its last write
 * is older than {@code minAge} (at least the producers' transaction timeout), and a second look
 * (coordinators, then the partition, again) finds it so unchanged. A coordinator removes a
 * partition from a transaction only after that partition's marker is written, so a marker in flight
 * is never mistaken for a hang; a transaction that begins between the first look's two reads is
 * tracked by its coordinator by the second look (it must be added to the transaction before the
 * partition accepts its records). The age alone proves nothing (Kafka Streams gives its output
 * records their input's timestamps); it only keeps the check away from fresh writes. A transaction
 * the coordinator still tracks is never aborted here, whatever its age (the coordinator aborts it
 * itself), and none is completed without its coordinator's recorded decision.
 */
public final class HangingTransactions {

  private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);

  /** A transaction a partition's leader holds open for a producer. */
  public record OpenTransaction(
      TopicPartition partition,
      long producerId,
      int producerEpoch,
      int coordinatorEpoch,
      long startOffset,
      long lastTimestamp) {

    static OpenTransaction of(TopicPartition partition, ProducerState state) {
      return new OpenTransaction(
          partition,
          state.producerId(),
          state.producerEpoch(),
          state.coordinatorEpoch().orElse(-1),
          state.currentTransactionStartOffset().orElse(-1),
          state.lastTimestamp());
    }

    /**
     * The coordinator epoch a marker for this transaction carries: the partition's, or 0 when the
     * producer never completed a transaction there (-1), which is not above any coordinator's.
     */
    int markerCoordinatorEpoch() {
      return Math.max(0, coordinatorEpoch);
    }
  }

  private HangingTransactions() {}

  /**
   * Which hanging transactions a node may complete: those on the partitions of the topics {@code
   * topics} accepts, of producers whose transactional id {@code transactionalIds} accepts. With
   * {@code unlistedProducers} a transaction whose producer id no coordinator lists is in scope too
   * (only on a broker whose every producer is the node's own).
   */
  public record Scope(
      Predicate<String> topics, Predicate<String> transactionalIds, boolean unlistedProducers) {

    /** Every transaction on the broker: the embedded broker, where every producer is the node's. */
    public static Scope everything() {
      return new Scope(topic -> true, id -> true, true);
    }

    /**
     * On a shared cluster: the transactions of Kafka Streams application {@code applicationId}
     * (whose producers' transactional ids are {@code <application id>-<process id>-<thread>}) on
     * the topics {@code topics} accepts.
     */
    public static Scope application(String applicationId, Predicate<String> topics) {
      String prefix = applicationId + "-";
      return new Scope(topics, id -> id.startsWith(prefix), false);
    }
  }

  /**
   * Of the {@code open} transactions, those in {@code scope}: of a producer id that one of the
   * {@code listings} (the coordinators' transactional ids) in scope holds, or any with {@link
   * Scope#unlistedProducers}.
   */
  public static List<OpenTransaction> inScope(
      Collection<OpenTransaction> open, Collection<TransactionListing> listings, Scope scope) {
    if (scope.unlistedProducers()) {
      return List.copyOf(open);
    }
    Set<Long> producers =
        listings.stream()
            .filter(l -> scope.transactionalIds().test(l.transactionalId()))
            .map(TransactionListing::producerId)
            .collect(Collectors.toSet());
    return open.stream().filter(t -> producers.contains(t.producerId())).toList();
  }

  /**
   * Of the {@code open} transactions (read from the partitions after {@code tracked} was read from
   * the coordinators), those no coordinator will complete and whose last write is older than {@code
   * minAgeMs} at {@code nowMs}.
   */
  public static List<OpenTransaction> hanging(
      Collection<OpenTransaction> open,
      Collection<TransactionDescription> tracked,
      long nowMs,
      long minAgeMs) {
    List<OpenTransaction> result = new ArrayList<>();
    for (OpenTransaction t : open) {
      boolean trackedByCoordinator =
          tracked.stream()
              .anyMatch(
                  d ->
                      d.producerId() == t.producerId()
                          && isLive(d.state())
                          && d.topicPartitions().contains(t.partition()));
      if (!trackedByCoordinator && nowMs - t.lastTimestamp() > minAgeMs) {
        result.add(t);
      }
    }
    return result;
  }

  /** States in which a coordinator still owes a partition of the transaction its marker. */
  private static boolean isLive(TransactionState state) {
    return switch (state) {
      case ONGOING, PREPARE_COMMIT, PREPARE_ABORT, PREPARE_EPOCH_FENCE -> true;
      default -> false;
    };
  }

  /**
   * The transactions of {@code first} (one look: coordinators, then partitions) that the second
   * look, taken after it, found hanging again unchanged: same producer, epochs, start offset and
   * last write.
   */
  public static List<OpenTransaction> confirmed(
      Collection<OpenTransaction> first, Collection<OpenTransaction> second) {
    return first.stream().filter(second::contains).toList();
  }

  /**
   * Looks twice (coordinators, then partitions, then both again) and returns the transactions in
   * {@code scope} both looks found hanging (see {@link #hanging}) unchanged. The second look closes
   * the race with a transaction that begins on a partition between the first look's two reads: by
   * the second look its coordinator tracks it.
   */
  public static List<OpenTransaction> find(
      Admin admin, Scope scope, Duration minAge, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long ms = timeout.toMillis();
    Collection<TransactionListing> listings = listings(admin, ms);
    Collection<TransactionDescription> tracked = tracked(admin, listings, scope, ms);
    List<OpenTransaction> first =
        hanging(
            inScope(open(admin, partitions(admin, scope.topics(), ms), ms), listings, scope),
            tracked,
            now(),
            minAge.toMillis());
    if (first.isEmpty()) {
      return first;
    }
    Collection<TransactionListing> listingsAgain = listings(admin, ms);
    Collection<TransactionDescription> trackedAgain = tracked(admin, listingsAgain, scope, ms);
    List<TopicPartition> suspects = first.stream().map(OpenTransaction::partition).toList();
    List<OpenTransaction> second =
        hanging(
            inScope(open(admin, suspects, ms), listingsAgain, scope),
            trackedAgain,
            now(),
            minAge.toMillis());
    return confirmed(first, second);
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  /** Every transactional id the coordinators know. */
  private static Collection<TransactionListing> listings(Admin admin, long ms)
      throws InterruptedException, ExecutionException, TimeoutException {
    return admin.listTransactions().all().get(ms, TimeUnit.MILLISECONDS);
  }

  /** The transactions in {@code scope} the coordinators know, described. */
  private static Collection<TransactionDescription> tracked(
      Admin admin, Collection<TransactionListing> listings, Scope scope, long ms)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<String> ids =
        listings.stream()
            .map(TransactionListing::transactionalId)
            .filter(scope.transactionalIds())
            .toList();
    if (ids.isEmpty()) {
      return List.of();
    }
    return admin.describeTransactions(ids).all().get(ms, TimeUnit.MILLISECONDS).values();
  }

  private static List<TopicPartition> partitions(Admin admin, Predicate<String> topics, long ms)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> names =
        admin
            .listTopics(new ListTopicsOptions().listInternal(true))
            .names()
            .get(ms, TimeUnit.MILLISECONDS);
    List<String> wanted = names.stream().filter(topics).sorted().toList();
    List<TopicPartition> partitions = new ArrayList<>();
    if (wanted.isEmpty()) {
      return partitions;
    }
    Map<String, TopicDescription> descriptions =
        admin.describeTopics(wanted).allTopicNames().get(ms, TimeUnit.MILLISECONDS);
    descriptions
        .values()
        .forEach(
            t ->
                t.partitions()
                    .forEach(p -> partitions.add(new TopicPartition(t.name(), p.partition()))));
    return partitions;
  }

  /** The transactions the partitions' leaders hold open. */
  private static List<OpenTransaction> open(Admin admin, List<TopicPartition> partitions, long ms)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<OpenTransaction> open = new ArrayList<>();
    if (partitions.isEmpty()) {
      return open;
    }
    Map<TopicPartition, DescribeProducersResult.PartitionProducerState> states =
        admin.describeProducers(partitions).all().get(ms, TimeUnit.MILLISECONDS);
    states.forEach(
        (tp, state) ->
            state.activeProducers().stream()
                .filter(p -> p.currentTransactionStartOffset().isPresent())
                .forEach(p -> open.add(OpenTransaction.of(tp, p))));
    return open;
  }

  /** What became of a hanging transaction: the marker written, or why none was. */
  public record Repair(OpenTransaction transaction, Optional<Boolean> committed, String detail) {

    /** Whether a marker was written. */
    public boolean completed() {
      return committed.isPresent();
    }
  }

  /**
   * Finds the hanging transactions (see {@link #find}) and completes each as its coordinator
   * decided, read from the coordinators' log ({@link TransactionDecisions}): a commit marker where
   * it decided to commit, an abort marker where it decided to abort. A transaction whose decision
   * the log does not show is left alone (logged at ERROR): guessing either way can lose or revive
   * data; it is returned, not logged (see {@link HangingTransactionWatch}). Returns one repair per
   * hanging transaction.
   */
  public static List<Repair> completeHanging(
      Admin admin,
      Map<String, Object> clientSettings,
      Scope scope,
      Duration minAge,
      Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<OpenTransaction> hanging = find(admin, scope, minAge, timeout);
    if (hanging.isEmpty()) {
      return List.of();
    }
    List<TransactionDecisions.Entry> log = TransactionDecisions.read(clientSettings, timeout);
    List<Repair> repairs = new ArrayList<>();
    for (OpenTransaction t : hanging) {
      Optional<TransactionDecisions.Decision> decision = TransactionDecisions.decisionFor(t, log);
      if (decision.isEmpty()) {
        // Left to the caller to report: right after a broker's start a transaction its
        // coordinator has not yet reloaded looks like this until the coordinator decides.
        repairs.add(
            new Repair(t, Optional.empty(), "no decision in " + TransactionDecisions.TOPIC));
        continue;
      }
      if (!scope.transactionalIds().test(decision.get().transactionalId())) {
        // Its producer id was ours when listed, but the log names another transactional id for
        // this transaction: not this node's to complete.
        repairs.add(
            new Repair(
                t,
                Optional.empty(),
                "decided for transactional id "
                    + decision.get().transactionalId()
                    + ", not this node's"));
        continue;
      }
      boolean commit = decision.get().commit();
      try {
        TransactionMarkers.write(
            leader(admin, t.partition(), timeout),
            t.partition(),
            t.producerId(),
            (short) t.producerEpoch(),
            t.markerCoordinatorEpoch(),
            commit,
            (int) timeout.toMillis());
      } catch (IOException e) {
        LOG.error(
            "could not complete the transaction hanging on {}: {}", t.partition(), e.toString());
        repairs.add(new Repair(t, Optional.empty(), e.toString()));
        continue;
      }
      LOG.warn(
          "completed a hanging transaction on {} as its coordinator decided ({}): transactional"
              + " id {}, producer id {}, epoch {}, open since offset {}; the coordinator had"
              + " dropped this partition's marker (KAFKA-20734)",
          t.partition(),
          commit ? "COMMIT" : "ABORT",
          decision.get().transactionalId(),
          t.producerId(),
          t.producerEpoch(),
          t.startOffset());
      repairs.add(new Repair(t, Optional.of(commit), decision.get().transactionalId()));
    }
    return repairs;
  }

  /** The leader of {@code partition}; an {@link IOException} when it has none. */
  static Node leader(Admin admin, TopicPartition partition, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException, IOException {
    TopicDescription topic =
        admin
            .describeTopics(List.of(partition.topic()))
            .allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .get(partition.topic());
    Node leader = topic.partitions().get(partition.partition()).leader();
    if (leader == null || leader.isEmpty()) {
      throw new IOException(partition + " has no leader");
    }
    return leader;
  }
}
