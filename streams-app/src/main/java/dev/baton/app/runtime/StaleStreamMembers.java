package dev.baton.app.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes from the topology's consumer group the static members of this node that no live stream
 * thread holds any more.
 *
 * <p>Why: a stream thread joins as the static member {@code <node id>-<thread index>}, and when a
 * thread fails Kafka Streams replaces it with a thread of another index (the dead one still holds
 * its index while it shuts down). Normally the dead member leaves or its session ends. But after a
 * broker restart Kafka 4.4's group coordinator can reload the group from its log several times
 * ("out of sync with the underlying log"), and the crash suite saw it come back with the dead
 * thread's member holding every partition, no session timer running for it (still there, Stable,
 * minutes later), and the replacement's join lost: the node stopped processing while Streams said
 * {@code RUNNING}. The lost join is bounded by the stream consumers' {@code max.poll.interval.ms}
 * ({@link StreamsSettings}); this removes the member that would then hold the rebalance up: a
 * second after a thread failed, and then every {@link #EVERY} for {@link #FOR}, it lists the
 * group's members and removes those named {@code <node id>-<n>} that are not a live thread's, as
 * Kafka Streams does itself when a thread is removed on purpose.
 */
final class StaleStreamMembers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StaleStreamMembers.class);
  private static final Duration FIRST = Duration.ofSeconds(1);
  private static final Duration EVERY = Duration.ofSeconds(2);
  private static final Duration FOR = Duration.ofSeconds(60);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Set<String> GONE = Set.of("PENDING_SHUTDOWN", "DEAD");

  private final Admin admin;
  private final String groupId;
  private final String nodeId;
  private final ScheduledExecutorService executor;
  private Supplier<Set<String>> live = Set::of;
  private ScheduledFuture<?> checks;
  private ScheduledFuture<?> end;

  /** Over the group {@code groupId} (the application id) for the node {@code nodeId}. */
  StaleStreamMembers(Map<String, Object> clientSettings, String groupId, String nodeId) {
    this.admin = Admin.create(clientSettings);
    this.groupId = groupId;
    this.nodeId = nodeId;
    this.executor = DaemonThreads.scheduler("baton-stale-stream-members");
  }

  /** Whose live threads count: {@code streams}'. */
  synchronized void watch(KafkaStreams streams) {
    this.live = () -> liveInstanceIds(nodeId, streams.metadataForLocalThreads());
  }

  /** A stream thread failed and is replaced: look for stale members for a while. */
  synchronized void threadFailed() {
    if (checks != null) {
      checks.cancel(false);
      end.cancel(false);
    }
    ScheduledFuture<?> running =
        executor.scheduleWithFixedDelay(
            this::removeStale, FIRST.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    checks = running;
    end = executor.schedule(() -> running.cancel(false), FOR.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The instance ids of {@code threads} that are not shutting down or dead. */
  static Set<String> liveInstanceIds(String nodeId, Collection<ThreadMetadata> threads) {
    return threads.stream()
        .filter(t -> !GONE.contains(t.threadState()))
        .map(t -> instanceId(nodeId, t.threadName()))
        .filter(id -> id != null)
        .collect(Collectors.toSet());
  }

  /** {@code <node id>-<n>} for the thread named {@code ...-StreamThread-<n>}, else null. */
  static String instanceId(String nodeId, String threadName) {
    int at = threadName.lastIndexOf("-StreamThread-");
    if (at < 0) {
      return null;
    }
    String index = threadName.substring(at + "-StreamThread-".length());
    return index.matches("\\d+") ? nodeId + "-" + index : null;
  }

  /** Of {@code members}, this node's static members ({@code <node id>-<n>}) not in {@code live}. */
  static List<String> stale(
      Collection<MemberDescription> members, String nodeId, Set<String> live) {
    Pattern ours = Pattern.compile(Pattern.quote(nodeId) + "-\\d+");
    return members.stream()
        .map(m -> m.groupInstanceId().orElse(null))
        .filter(id -> id != null && ours.matcher(id).matches() && !live.contains(id))
        .distinct()
        .sorted()
        .toList();
  }

  private void removeStale() {
    try {
      Supplier<Set<String>> alive;
      synchronized (this) {
        alive = live;
      }
      removeStale(alive);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.info("could not look for stale members of the group {} yet: {}", groupId, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Lists the group's members, then asks {@code live} for the live threads' member ids (after the
   * listing, so that a thread started meanwhile counts as live), and removes this node's others.
   * Returns the member ids removed.
   */
  List<String> removeStale(Supplier<Set<String>> live)
      throws ExecutionException, TimeoutException, InterruptedException {
    ConsumerGroupDescription group =
        admin
            .describeConsumerGroups(List.of(groupId))
            .describedGroups()
            .get(groupId)
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Set<String> alive = live.get();
    List<String> stale = stale(group.members(), nodeId, alive);
    if (!stale.isEmpty()) {
      List<MemberToRemove> members = stale.stream().map(MemberToRemove::new).toList();
      try {
        admin
            .removeMembersFromConsumerGroup(
                groupId, new RemoveMembersFromConsumerGroupOptions(members))
            .all()
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownMemberIdException)) {
          throw e;
        }
      }
      LOG.warn(
          "removed {} from the consumer group {}: static members of stream threads of this node"
              + " that no longer run (live: {}), which the group would otherwise wait for",
          stale,
          groupId,
          alive);
    }
    return stale;
  }

  @Override
  public void close() {
    DaemonThreads.stop(executor);
    admin.close(Duration.ofSeconds(5));
  }
}
