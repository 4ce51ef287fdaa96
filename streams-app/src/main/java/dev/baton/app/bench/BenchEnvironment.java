package dev.baton.app.bench;

import dev.baton.app.broker.EmbeddedKafkaBroker;
import dev.baton.app.config.AppConfig;
import dev.baton.app.runtime.BatonService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the scenarios of one {@code baton bench} run share: the options, a scratch directory, and
 * the Kafka cluster (an embedded broker started on first use, or {@code --bootstrap}). Every node
 * and topic a scenario creates carries a prefix of its own, so runs never mix; closing removes the
 * scratch directory, the embedded broker and, on an external cluster, the topics created.
 */
public final class BenchEnvironment implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BenchEnvironment.class);

  private final BenchOptions options;
  private final Path root;
  private final boolean tempRoot;
  private final List<String> prefixes = new ArrayList<>();
  private EmbeddedKafkaBroker broker;

  private BenchEnvironment(BenchOptions options, Path root, boolean tempRoot) {
    this.options = options;
    this.root = root;
    this.tempRoot = tempRoot;
  }

  public static BenchEnvironment open(BenchOptions options) throws IOException {
    if (options.dataDir() != null) {
      Files.createDirectories(options.dataDir());
      return new BenchEnvironment(options, options.dataDir(), false);
    }
    return new BenchEnvironment(options, Files.createTempDirectory("baton-bench-"), true);
  }

  public BenchOptions options() {
    return options;
  }

  public boolean quick() {
    return options.quick();
  }

  /** The Kafka cluster, starting the embedded broker on first call. */
  public synchronized String bootstrapServers() {
    if (options.bootstrap() != null) {
      return options.bootstrap();
    }
    if (broker == null) {
      broker =
          EmbeddedKafkaBroker.start(
              new EmbeddedKafkaBroker.Settings(
                  root.resolve("broker"),
                  0,
                  Map.of("num.partitions", String.valueOf(options.partitions()))));
    }
    return broker.bootstrapServers();
  }

  /** A new directory under the scratch directory. */
  public Path scratch(String name) {
    try {
      return Files.createDirectories(root.resolve(name + "-" + shortId()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a scratch directory in " + root, e);
    }
  }

  /** A topic and group name prefix no other run uses, like {@code bench-e2e-3f2a9c1e-}. */
  public synchronized String newPrefix(String scenario) {
    String prefix = "bench-" + scenario + "-" + shortId() + "-";
    prefixes.add(prefix);
    return prefix;
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates topics (or leaves existing ones) with the benchmark's partition count. */
  public void createTopics(String... names) {
    try (Admin admin = admin()) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        topics.add(new NewTopic(name, Optional.of(options.partitions()), Optional.empty()));
      }
      admin.createTopics(topics).all().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
    awaitLeaders(names);
  }

  /**
   * Waits until every partition's leader answers. An idempotent producer whose first batch to a
   * partition meets a leader that is not ready yet ({@code NOT_LEADER_OR_FOLLOWER}) while a later
   * batch gets in can be stuck in {@code OUT_OF_ORDER_SEQUENCE_NUMBER} retries; listing offsets
   * first (which only a ready leader answers) avoids that race on fresh topics.
   */
  private void awaitLeaders(String... names) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        RawKafka.consumer(bootstrapServers(), "read_uncommitted")) {
      for (String name : names) {
        consumer.endOffsets(RawKafka.partitions(consumer, name), Duration.ofSeconds(60));
      }
    }
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /**
   * Starts a Baton node (topology and HTTP API, no sinks unless {@code --config} turns them on) on
   * the benchmark's cluster under a fresh prefix.
   */
  public BenchNode startNode(String scenario) {
    String prefix = newPrefix(scenario);
    Map<String, Object> props = new HashMap<>();
    props.put(AppConfig.AUDIT_ENABLED, false);
    props.put(AppConfig.PROJECTION_ENABLED, false);
    props.putAll(options.appConfig());
    props.put(AppConfig.BOOTSTRAP_SERVERS, bootstrapServers());
    props.put(AppConfig.TOPIC_PREFIX, prefix);
    props.put(AppConfig.APPLICATION_ID, prefix + "baton");
    props.put(AppConfig.DATA_DIR, scratch(scenario + "-node").toString());
    props.put(AppConfig.HTTP_PORT, 0);
    props.put(AppConfig.PARTITIONS, options.partitions());
    AppConfig config = AppConfig.parse(props);
    BatonService service =
        BatonService.start(config, new BatonService.Options(false, 0, Duration.ofSeconds(120)));
    return new BenchNode(config, service, options.clientConfig());
  }

  /** Adds how and where the run happened to a result's config. */
  public void describe(BenchResult result) {
    describe(result, true);
  }

  /** As {@link #describe(BenchResult)}; {@code kafka} false for scenarios that use no broker. */
  public void describe(BenchResult result, boolean kafka) {
    Runtime rt = Runtime.getRuntime();
    result.config("quick", quick() ? "yes" : "no");
    if (kafka) {
      result.config(
          "broker", options.bootstrap() == null ? "embedded (same JVM)" : options.bootstrap());
      result.config("partitions", options.partitions());
    }
    result.config("cpus", rt.availableProcessors());
    result.config("max_heap_mb", rt.maxMemory() >> 20);
    result.config("java", System.getProperty("java.vm.name") + " " + Runtime.version());
    result.config("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    result.config("load_average_1m", loadAverage());
    if (!options.appConfig().isEmpty()) {
      result.config("baton_config", new java.util.TreeMap<>(options.appConfig()).toString());
    }
    if (!options.clientConfig().isEmpty()) {
      result.config("client_config", new java.util.TreeMap<>(options.clientConfig()).toString());
    }
  }

  /** The system load average over the last minute (how busy the machine was), or -1. */
  public static double loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return Math.round(load * 100) / 100.0;
  }

  @Override
  public void close() {
    if (options.bootstrap() != null && !prefixes.isEmpty()) {
      deleteTopics();
    }
    if (broker != null) {
      broker.close();
      broker = null;
    }
    if (tempRoot) {
      deleteRecursively(root);
    }
  }

  private void deleteTopics() {
    try (Admin admin = admin()) {
      List<String> ours =
          admin.listTopics().names().get().stream()
              .filter(t -> prefixes.stream().anyMatch(t::startsWith))
              .toList();
      admin.deleteTopics(ours).all().get();
    } catch (ExecutionException | RuntimeException e) {
      LOG.warn("could not delete the benchmark's topics {}*: {}", prefixes, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
