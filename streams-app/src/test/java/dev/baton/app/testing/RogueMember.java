package dev.baton.app.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.sink.ConsumerFault;
import dev.baton.app.sink.SinkStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A plain consumer that joins a sink's group with the sink's own {@code group.instance.id}: the
 * coordinator gives the static membership to it and fences the sink's consumer, as a coordinator
 * that reloaded the group after a broker restart does with a stale member id.
 */
public final class RogueMember {
  private RogueMember() {}

  /**
   * Joins {@code group} as {@code instanceId}, polls until it is assigned partitions of {@code
   * topic} (or is fenced in turn by the sink's next consumer), and closes without leaving (a static
   * member stays in the group). It commits nothing.
   */
  public static void fence(String group, String instanceId, String topic, Duration within) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            KafkaTestCluster.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            instanceId,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            // Both sinks' assignors, so that the group's protocol is one it supports.
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            List.of(CooperativeStickyAssignor.class.getName(), RangeAssignor.class.getName()));
    try (KafkaConsumer<byte[], byte[]> rogue =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      rogue.subscribe(List.of(topic));
      long deadline = System.nanoTime() + within.toNanos();
      while (rogue.assignment().isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "the rogue member was not assigned a partition within " + within);
        }
        try {
          rogue.poll(Duration.ofMillis(100));
        } catch (FencedInstanceIdException e) {
          return; // the sink's next consumer took the membership back already
        }
      }
    }
  }

  /** Something a test does while the sink is fenced (produces events). */
  @FunctionalInterface
  public interface Step {
    void run() throws Exception;
  }

  /**
   * Fences the sink whose status is {@code status} ({@link #fence}), does {@code meanwhile}, waits
   * until the sink counts a fault, does {@code meanwhile} again and waits until the sink is {@code
   * RUNNING} and {@code caughtUp} holds. Returns the first FAULTED status seen since the fence,
   * checked to be a consumer fault ({@link ConsumerFault#OPERATION}, no path) naming the fencing
   * error.
   */
  public static SinkStatus fenceAndAwaitRecovery(
      Supplier<SinkStatus> status,
      String group,
      String instanceId,
      String topic,
      Duration within,
      Step meanwhile,
      BooleanSupplier caughtUp)
      throws Exception {
    List<SinkStatus> seen;
    try (StatusWatch watch =
        new StatusWatch(status, s -> s.state() == SinkStatus.State.FAULTED && s.fault() != null)) {
      fence(group, instanceId, topic, within);
      meanwhile.run();
      Eventually.until("a consumer fault", within, () -> status.get().faults() > 0);
      meanwhile.run();
      Eventually.until(
          "RUNNING again and caught up",
          within,
          () -> status.get().state() == SinkStatus.State.RUNNING && caughtUp.getAsBoolean());
      seen = watch.seen();
    }
    assertThat(seen).as("FAULTED statuses while the consumer was replaced").isNotEmpty();
    SinkStatus faulted = seen.get(0);
    assertThat(faulted.fault().operation()).isEqualTo(ConsumerFault.OPERATION);
    assertThat(faulted.fault().path()).isNull();
    assertThat(faulted.fault().error()).contains("FencedInstanceIdException");
    assertThat(faulted.fault().attempts()).isPositive();
    assertThat(faulted.fault().partitions()).isSubsetOf(0, 1, 2);
    assertThat(faulted.stall()).isNull();
    SinkStatus after = status.get();
    assertThat(after.fault()).isNull();
    assertThat(after.stall()).isNull();
    assertThat(after.partitions()).containsExactly(0, 1, 2);
    assertThat(after.faults()).isPositive();
    return faulted;
  }

  /**
   * Records the statuses of a sink that match {@code interesting}, polling every few milliseconds
   * on a thread of its own until {@link #close()}: a status that lasts at least a backoff is seen.
   */
  private static final class StatusWatch implements AutoCloseable {
    private final List<SinkStatus> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    StatusWatch(Supplier<SinkStatus> status, Predicate<SinkStatus> interesting) {
      thread =
          new Thread(
              () -> {
                try {
                  do {
                    SinkStatus s = status.get();
                    if (interesting.test(s)) {
                      seen.add(s);
                    }
                  } while (!stop.await(2, TimeUnit.MILLISECONDS));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "sink-status-watch");
      thread.setDaemon(true);
      thread.start();
    }

    /** The matching statuses seen so far, in order. */
    List<SinkStatus> seen() {
      return List.copyOf(seen);
    }

    @Override
    public void close() throws InterruptedException {
      stop.countDown();
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }
  }
}
