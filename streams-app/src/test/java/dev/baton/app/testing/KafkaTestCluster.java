package dev.baton.app.testing;

import dev.baton.app.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka cluster integration tests run against.
 *
 * <p>If the environment variable {@value #BOOTSTRAP_ENV} is set, tests use that cluster. Otherwise
 * one {@link EmbeddedKafkaBroker} (temporary data dir, {@value #DEFAULT_PARTITIONS} partitions per
 * topic by default) is started on first use and shared by every test class in the JVM; a shutdown
 * hook stops it and deletes its data. Tests share the cluster, so each should name its topics with
 * {@link #uniqueTopicPrefix()}.
 */
public final class KafkaTestCluster {

  public static final String BOOTSTRAP_ENV = "BATON_TEST_BOOTSTRAP";
  public static final int DEFAULT_PARTITIONS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(KafkaTestCluster.class);

  private KafkaTestCluster() {}

  /** The {@code bootstrap.servers} of the shared cluster, starting it on first call. */
  public static String bootstrapServers() {
    String external = System.getenv(BOOTSTRAP_ENV);
    if (external != null && !external.isBlank()) {
      return external;
    }
    return SharedBroker.BOOTSTRAP_SERVERS;
  }

  /** A prefix no other test run uses, e.g. {@code it-3f2a9c1e-}, for topic and group names. */
  public static String uniqueTopicPrefix() {
    return "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  }

  /**
   * Creates the topics with the cluster's default replication factor; topics that already exist are
   * left as they are.
   */
  public static void createTopics(int partitions, String... names) {
    List<NewTopic> topics =
        Arrays.stream(names)
            .map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty()))
            .toList();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      for (KafkaFuture<Void> created : admin.createTopics(topics).values().values()) {
        awaitIgnoringExisting(created);
      }
    }
  }

  private static void awaitIgnoringExisting(KafkaFuture<Void> created) {
    try {
      created.get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create test topic", e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating test topics", e);
    }
  }

  /** Holder idiom: the JVM starts the broker exactly once, on first access, thread-safely. */
  private static final class SharedBroker {
    static final String BOOTSTRAP_SERVERS = start();

    private static String start() {
      Path dataDir = createTempDir();
      EmbeddedKafkaBroker broker =
          EmbeddedKafkaBroker.start(
              new EmbeddedKafkaBroker.Settings(
                  dataDir, 0, Map.of("num.partitions", String.valueOf(DEFAULT_PARTITIONS))));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    broker.close();
                    deleteRecursively(dataDir);
                  },
                  "kafka-test-cluster-shutdown"));
      return broker.bootstrapServers();
    }

    private static Path createTempDir() {
      try {
        return Files.createTempDirectory("baton-kafka-test-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temp dir for the test broker", e);
      }
    }

    private static void deleteRecursively(Path dir) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      } catch (IOException e) {
        // Only a leftover temp dir; the JVM is exiting anyway.
        LOG.warn("Could not delete test broker data in {}", dir, e);
      }
    }
  }
}
