package dev.baton.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.testing.ChildNodes;
import dev.baton.app.testing.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton sink} as a process of its own, against a real broker. */
class SinkCommandIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path dir;

  /**
   * A sink whose thread stops on an error must end the process with exit 1, whichever sink it is,
   * so that a supervisor starts it again. The projection sink is made to fail for good: another
   * member holds its group with an assignor the sink does not offer, so its join is refused with
   * {@code InconsistentGroupProtocolException}, which no new consumer would get past.
   */
  @Test
  void shouldExitWithOne_whenTheProjectionSinkStopsOnAnError() throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    String topic = prefix + "baton.events";
    String projectionGroup = prefix + "projection";
    KafkaTestCluster.createTopics(3, topic);
    try (KafkaConsumer<byte[], byte[]> rogue = rogueMember(projectionGroup);
        ChildNodes children = new ChildNodes()) {
      rogue.subscribe(List.of(topic));
      long joinBy = System.nanoTime() + DEADLINE.toNanos();
      while (rogue.assignment().isEmpty()) {
        assertThat(System.nanoTime()).as("the other member's join").isLessThan(joinBy);
        rogue.poll(Duration.ofMillis(100));
      }

      Map<String, String> env = new HashMap<>(ChildNodes.sharedSettings(prefix, dir));
      env.put("BATON_AUDIT_GROUP_ID", prefix + "audit");
      env.put("BATON_PROJECTION_GROUP_ID", projectionGroup);
      Path log = dir.resolve("sink.log");
      ChildNodes.Child sink = children.start("sink", log, env, "sink");

      // The other member keeps its membership (and the group's protocol) meanwhile.
      long exitBy = System.nanoTime() + DEADLINE.toNanos();
      while (sink.process().isAlive()) {
        assertThat(System.nanoTime())
            .as("baton sink exits after its projection sink stopped:%n%s", ChildNodes.read(log))
            .isLessThan(exitBy);
        rogue.poll(Duration.ofMillis(100));
      }
      assertThat(sink.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
      String output = ChildNodes.read(log);
      assertThat(sink.process().exitValue()).as(output).isEqualTo(1);
      assertThat(output)
          .contains(SinkCommand.READY_LINE)
          .contains("error: the projection sink stopped:")
          .contains("audit sink stopped");
    }
  }

  private static KafkaConsumer<byte[], byte[]> rogueMember(String group) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            KafkaTestCluster.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            RoundRobinAssignor.class.getName()),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }
}
