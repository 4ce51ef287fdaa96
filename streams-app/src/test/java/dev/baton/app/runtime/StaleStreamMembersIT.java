package dev.baton.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.broker.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real group coordinator: a static member that closed without leaving (as a failed stream
 * thread's consumer does) holds up a new member's join until its session ends; removing it lets the
 * join complete at once.
 */
@Timeout(180)
class StaleStreamMembersIT {
  private static final String TOPIC = "baton.it.stale";
  private static final String GROUP = "baton-it-stale";

  /** Far longer than the test waits for the join: only the removal can end the wait. */
  private static final int SESSION_MS = 150_000;

  @TempDir Path dir;

  @Test
  void aReplacementThreadsJoinCompletesOnceTheDeadThreadsMemberIsRemoved() throws Exception {
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Settings.of(dir));
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
      // The failed thread's consumer: assigned, then closed without leaving (static member).
      try (KafkaConsumer<String, String> dead = consumer(broker, "node-a-2")) {
        dead.subscribe(List.of(TOPIC));
        while (dead.assignment().isEmpty()) {
          dead.poll(Duration.ofMillis(100));
        }
      }
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Set<?>> joined =
          CompletableFuture.supplyAsync(
              () -> {
                try (KafkaConsumer<String, String> replacement = consumer(broker, "node-a-1")) {
                  replacement.subscribe(List.of(TOPIC));
                  while (replacement.assignment().isEmpty() && !stop.get()) {
                    replacement.poll(Duration.ofMillis(100));
                  }
                  return Set.copyOf(replacement.assignment());
                }
              });
      try (StaleStreamMembers stale =
          new StaleStreamMembers(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
              GROUP,
              "node-a")) {
        // The replacement's join waits for the dead member for as long as it is in the group.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!joiningWaits(admin)) {
          assertThat(System.nanoTime()).as("the group began rebalancing").isLessThan(deadline);
          assertThatThrownBy(() -> joined.get(100, TimeUnit.MILLISECONDS))
              .as("joined while the dead member was still in the group")
              .isInstanceOf(TimeoutException.class);
        }
        assertThat(joined).as("joined while the dead member was still in the group").isNotDone();

        assertThat(stale.removeStale(() -> Set.of("node-a-1"))).containsExactly("node-a-2");

        assertThat(joined.get(60, TimeUnit.SECONDS))
            .as("the replacement's assignment, long before the dead member's session ends")
            .hasSize(2);
        assertThat(stale.removeStale(() -> Set.of("node-a-1"))).as("nothing stale left").isEmpty();
      } finally {
        stop.set(true);
      }
    }
  }

  /** Whether the group is rebalancing with both members: the new one waiting for the dead one. */
  private static boolean joiningWaits(Admin admin) throws Exception {
    var group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
    return group.groupState() == GroupState.PREPARING_REBALANCE;
  }

  private static KafkaConsumer<String, String> consumer(
      EmbeddedKafkaBroker broker, String instanceId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_MS);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }
}
