package dev.baton.app.runtime;

import dev.baton.sdk.protocol.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Baton's topics when missing; existing topics are left as they are (a second start neither
 * fails nor changes partition counts).
 */
public final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  private TopicAdmin() {}

  public static void ensureTopics(
      String bootstrapServers,
      Topics topics,
      int partitions,
      int outcomePartitions,
      short replication) {
    ensure(bootstrapServers, plan(topics, partitions, outcomePartitions, replication));
  }

  /** Creates those of {@code wanted} that are missing. */
  public static void ensure(String bootstrapServers, List<NewTopic> wanted) {
    ensure(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), wanted);
  }

  /** Creates those of {@code wanted} that are missing, with these Kafka client settings. */
  public static void ensure(Map<String, Object> clientSettings, List<NewTopic> wanted) {
    Object bootstrapServers = clientSettings.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (Admin admin = Admin.create(clientSettings)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing =
          wanted.stream().filter(t -> !existing.contains(t.name())).collect(Collectors.toList());
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get();
        LOG.info("created topics {}", missing);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create Baton topics on " + bootstrapServers + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * The topics Baton creates when they are missing, with their partitions, replication and configs:
   * what a deployment that creates the topics itself (Strimzi {@code KafkaTopic}s) must match.
   */
  public static List<NewTopic> plan(
      Topics topics, int partitions, int outcomePartitions, short replication) {
    return List.of(topics.commands(), topics.outcomes(), topics.events()).stream()
        .map(
            t -> {
              boolean outcomes = t.equals(topics.outcomes());
              return new NewTopic(t, outcomes ? outcomePartitions : partitions, replication)
                  .configs(configFor(outcomes));
            })
        .toList();
  }

  /**
   * The tokens topic: one partition (a few records per agent, read whole by every node), compacted
   * so that it holds the current record of each token and a revocation (a tombstone) eventually
   * removes the token altogether; tombstones are kept a day so that a node that was down reads
   * them.
   */
  public static NewTopic tokensTopic(String name, short replication) {
    return new NewTopic(name, 1, replication)
        .configs(
            Map.of(
                "cleanup.policy",
                "compact",
                "delete.retention.ms",
                String.valueOf(24L * 3600 * 1000)));
  }

  private static Map<String, String> configFor(boolean outcomes) {
    // The command and event logs are the system of record: keep them. Outcomes are replies.
    if (outcomes) {
      return Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000));
    }
    return Map.of("retention.ms", "-1");
  }
}
