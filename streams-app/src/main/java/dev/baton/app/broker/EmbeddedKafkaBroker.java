package dev.baton.app.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTransactionsOptions;
import org.apache.kafka.clients.admin.DescribeTransactionsResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka KRaft broker (combined broker and controller, node id 1) running inside this
 * JVM, for {@code baton up} and for integration tests. It listens on 127.0.0.1 only and is not
 * meant for production: replication factors are 1 and there is no security.
 *
 * <p>Data layout: everything Kafka writes lives in {@code <dataDir>/kafka/}:
 *
 * <ul>
 *   <li>{@code logs/}: the broker's only log dir, one directory per topic partition;
 *   <li>{@code metadata/}: the metadata log dir, holding the KRaft metadata log {@code
 *       __cluster_metadata-0/} and the bootstrap snapshot.
 * </ul>
 *
 * <p>Each holds a {@code meta.properties} with the cluster id and node id. The storage is formatted
 * once, when {@code metadata/meta.properties} is missing; later starts on the same directory reuse
 * the cluster id and all records. Kafka locks both directories, so a second broker on the same data
 * dir fails to start.
 *
 * <p>Fatal broker faults normally halt the JVM through Kafka's {@code Exit}; while any embedded
 * broker runs, those calls throw an {@link IllegalStateException} in the failing Kafka thread
 * instead (Kafka logs the fault first), so the host process decides what to do.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String LOGS_DIR = "logs";
  private static final String METADATA_DIR = "metadata";
  private static final String META_PROPERTIES = "meta.properties";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final long READINESS_RETRY_BACKOFF_MS = 20;
  private static final String OFFSETS_TOPIC = "__consumer_offsets";
  private static final String TRANSACTIONS_TOPIC = "__transaction_state";

  /** Segment size of {@code __consumer_offsets}: Kafka's least, 1 MiB. */
  static final int OFFSETS_SEGMENT_BYTES = 1024 * 1024;

  private static final String OFFSETS_SEGMENT_BYTES_CONFIG = "offsets.topic.segment.bytes";

  /** How long {@code __consumer_offsets} keeps a transaction marker once it can go. */
  static final Duration OFFSETS_DELETE_RETENTION = Duration.ofMinutes(5);

  /**
   * How to start the broker.
   *
   * @param dataDir the service's data directory; Kafka uses {@code dataDir/kafka}
   * @param port the client (PLAINTEXT) port; 0 picks a free one, see {@link #bootstrapServers()}
   * @param overrides broker configs applied last, over the embedded defaults (for example {@code
   *     num.partitions})
   */
  public record Settings(Path dataDir, int port, Map<String, String> overrides) {
    public Settings {
      Objects.requireNonNull(dataDir, "dataDir");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("broker port " + port + " must be in 0..65535");
      }
      overrides = Map.copyOf(overrides);
    }

    public static Settings of(Path dataDir) {
      return new Settings(dataDir, 0, Map.of());
    }
  }

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats the storage if needed, starts the broker and returns once it answers client requests.
   *
   * @throws IllegalStateException if the broker fails to start or to answer within 60 s
   * @throws UncheckedIOException if the data directory cannot be prepared
   */
  public static EmbeddedKafkaBroker start(Settings settings) {
    long startedAt = System.nanoTime();
    Path kafkaDir = settings.dataDir().resolve("kafka");
    int port = settings.port() == 0 ? freePort() : settings.port();
    Map<String, Object> brokerConfig = brokerConfig(kafkaDir, port, freePort(), settings);
    KafkaConfig config = new KafkaConfig(brokerConfig, false);
    formatIfNeeded(brokerConfig, kafkaDir);

    String bootstrap = HOST + ":" + port;
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    ExitGuard.acquire();
    try {
      server.startup();
      awaitClientRequests(
          bootstrap, Integer.parseInt(brokerConfig.get(OFFSETS_SEGMENT_BYTES_CONFIG).toString()));
    } catch (RuntimeException e) {
      stopAfterFailedStart(server);
      throw new IllegalStateException(
          "embedded Kafka broker on " + kafkaDir + " failed to start: " + e.getMessage(), e);
    }
    LOG.info(
        "Embedded Kafka broker ready at {} (data in {}) after {} ms",
        bootstrap,
        kafkaDir,
        Duration.ofNanos(System.nanoTime() - startedAt).toMillis());
    return new EmbeddedKafkaBroker(server, bootstrap);
  }

  /** The {@code bootstrap.servers} value for clients, with the real port when 0 was asked for. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Shuts the broker down and waits until it has stopped; later calls do nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      ExitGuard.release();
    }
    LOG.info("Embedded Kafka broker at {} stopped", bootstrapServers);
  }

  // Keys are spelled out rather than taken from Kafka's *Configs classes: the names are Kafka's
  // documented interface, the constant holders are internal and move between releases.
  private static Map<String, Object> brokerConfig(
      Path kafkaDir, int port, int controllerPort, Settings settings) {
    Map<String, Object> props = new HashMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(NODE_ID));
    // A static voter set (kraft.version 0) keeps no endpoints in the metadata log, so the
    // controller may get a different free port on every start.
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    // A metadata log dir of its own is locked by Kafka before the controller opens it; when it
    // shares the log dir, a second process on the same data dir reads and appends to the
    // metadata log before it fails on the log dir lock.
    props.put("log.dirs", kafkaDir.resolve(LOGS_DIR).toString());
    props.put("metadata.log.dir", kafkaDir.resolve(METADATA_DIR).toString());
    props.put("auto.create.topics.enable", "false");
    props.put("num.partitions", "1");
    // One node: internal topics cannot have more replicas than brokers.
    props.put("offsets.topic.replication.factor", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    // Kafka's 50 partitions each for the group offsets and the transaction state are made for
    // clusters; every start loads them (and recovers them after a kill -9). A few suffice for one
    // node; only a new data dir gets them, an existing one keeps what it has.
    props.put("offsets.topic.num.partitions", "4");
    props.put("transaction.state.log.num.partitions", "4");
    // The group coordinator reads its whole __consumer_offsets partition when it takes it over.
    // With Kafka's 100 MiB segments nothing here is ever compacted (the active segment is not),
    // so that read grows with every offset commit: 2.3 s after 35 minutes of the crash suite. A
    // restarted broker's leader epochs change twice in its first second, and Kafka 4.4's
    // coordinator runtime drops an unload that arrives while a load still runs; once, the
    // coordinator then reloaded in a loop and failed for good (docs/reliability.md). 1 MiB
    // segments, Kafka's least, are compacted as they roll and keep the read short (with markers
    // dropped after 5 minutes instead of a day: keepOffsetsTopicShort).
    props.put(OFFSETS_SEGMENT_BYTES_CONFIG, String.valueOf(OFFSETS_SEGMENT_BYTES));
    // Nobody else will join, so don't hold the first rebalance back.
    props.put("group.initial.rebalance.delay.ms", "0");
    // The cleaner allocates this buffer up front (128 MiB by default); compacted topics here are
    // small.
    props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    // After a kill -9 the restarted broker can only register once the session its controller
    // gives the old registration on start has expired (DUPLICATE_BROKER_REGISTRATION until
    // then): this session is waited out once per crash restart. Kafka's 9 s is made for
    // clusters; 1.5 s with a heartbeat every 250 ms still lets the broker miss about six beats to
    // its own in-process controller (a GC pause, a starved CPU) before it fences itself.
    props.put("broker.session.timeout.ms", "1500");
    props.put("broker.heartbeat.interval.ms", "250");
    props.putAll(settings.overrides());
    return props;
  }

  // Formats through `kafka-storage format`, Kafka's documented entry point, rather than the
  // Formatter class behind it: that class lives in kafka-metadata, which kafka_2.13 only brings
  // in at runtime scope, and its setters change between releases. The tool reads the broker
  // config from a file, so the same properties go to a short-lived temp file.
  private static void formatIfNeeded(Map<String, Object> brokerConfig, Path kafkaDir) {
    // No --ignore-formatted: a half-formatted directory should fail loudly, not get a second
    // cluster id.
    if (Files.exists(kafkaDir.resolve(METADATA_DIR).resolve(META_PROPERTIES))) {
      return;
    }
    String clusterId = Uuid.randomUuid().toString();
    // The tool reports to the stream it is given; stdout belongs to the CLI.
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    Path configFile = null;
    int status;
    try {
      Files.createDirectories(kafkaDir);
      configFile = Files.createTempFile("baton-kafka-format-", ".properties");
      Properties properties = new Properties();
      properties.putAll(brokerConfig);
      try (Writer writer = Files.newBufferedWriter(configFile)) {
        properties.store(writer, "embedded broker config, only for formatting");
      }
      String[] args = {"format", "--config", configFile.toString(), "--cluster-id", clusterId};
      status = StorageTool.execute(args, new PrintStream(report, true, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot format Kafka storage in " + kafkaDir, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot format Kafka storage in " + kafkaDir + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(configFile);
    }
    String output = report.toString(StandardCharsets.UTF_8).trim();
    if (status != 0) {
      throw new IllegalStateException(
          "kafka-storage format of " + kafkaDir + " ended with status " + status + ": " + output);
    }
    LOG.info("Formatted Kafka storage in {} with cluster id {}", kafkaDir, clusterId);
    LOG.debug("kafka-storage format: {}", output);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Could not delete temporary broker config {}", file, e);
    }
  }

  // startup() returns once the broker is unfenced; an Admin round trip proves that clients are
  // actually served.
  //
  // Then every partition of both coordinators must answer for a key it owns. After a kill -9 the
  // broker loads the coordinators twice: from its old metadata while it starts, and again once
  // it is unfenced (the controller fenced the dead broker's registration and elects it leader
  // again, at a new leader epoch); meanwhile it completes the transactions the kill interrupted.
  // A topology started inside that window once waited for minutes on a transactional offset
  // commit of the killed node that was never completed (docs/reliability.md). Listing groups
  // and transactions does not see the window (a coordinator that has resigned and not yet
  // reloaded lists nothing, without an error); asking for one key per partition does: the
  // answer is "not available", "not coordinator" or "load in progress", all retried, until the
  // partition is loaded at its current epoch. Unknown keys are the expected answer.
  private static void awaitClientRequests(String bootstrap, int offsetsSegmentBytes) {
    int timeoutMs = Math.toIntExact(STARTUP_TIMEOUT.toMillis());
    try (Admin admin = Admin.create(readinessClientConfig(bootstrap))) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes().get();
      // Kafka makes the internal topics on first use: a new data dir has nothing to load.
      int transactionPartitions = partitionCount(admin, TRANSACTIONS_TOPIC, timeoutMs);
      if (transactionPartitions > 0) {
        List<String> ids = oneKeyPerPartition("txn", transactionPartitions);
        DescribeTransactionsResult transactions =
            admin.describeTransactions(ids, new DescribeTransactionsOptions().timeoutMs(timeoutMs));
        for (String id : ids) {
          awaitAnswer(transactions.description(id), TransactionalIdNotFoundException.class);
        }
      }
      int offsetsPartitions = partitionCount(admin, OFFSETS_TOPIC, timeoutMs);
      if (offsetsPartitions > 0) {
        List<String> ids = oneKeyPerPartition("group", offsetsPartitions);
        DescribeConsumerGroupsResult groups =
            admin.describeConsumerGroups(
                ids, new DescribeConsumerGroupsOptions().timeoutMs(timeoutMs));
        for (String id : ids) {
          awaitAnswer(groups.describedGroups().get(id), GroupIdNotFoundException.class);
        }
        keepOffsetsTopicShort(admin, offsetsSegmentBytes, timeoutMs);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "no answer to client requests at "
              + bootstrap
              + " within "
              + STARTUP_TIMEOUT.toSeconds()
              + " s",
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + bootstrap, e);
    }
  }

  /**
   * Keeps {@code __consumer_offsets} short for its group coordinator's load: segments of {@code
   * bytes} (the broker's {@code offsets.topic.segment.bytes}, which Kafka applies only to the topic
   * it makes, so a data dir made before gets them here) and transaction markers dropped {@link
   * #OFFSETS_DELETE_RETENTION} after their transaction's offsets were compacted away (Kafka keeps
   * them a day: one per offset commit of an exactly-once application, the bulk of the topic). Kafka
   * makes the topic on first use, so a new data dir gets the second at its next start.
   */
  private static void keepOffsetsTopicShort(Admin admin, int bytes, int timeoutMs)
      throws ExecutionException, InterruptedException {
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, OFFSETS_TOPIC);
    Config config =
        admin
            .describeConfigs(List.of(topic), new DescribeConfigsOptions().timeoutMs(timeoutMs))
            .all()
            .get()
            .get(topic);
    Map<String, String> wanted =
        Map.of(
            "segment.bytes",
            String.valueOf(bytes),
            "delete.retention.ms",
            String.valueOf(OFFSETS_DELETE_RETENTION.toMillis()));
    List<AlterConfigOp> changes = new ArrayList<>();
    wanted.forEach(
        (name, value) -> {
          ConfigEntry entry = config.get(name);
          if (entry == null || !value.equals(entry.value())) {
            changes.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
          }
        });
    if (changes.isEmpty()) {
      return;
    }
    admin
        .incrementalAlterConfigs(
            Map.of(topic, changes), new AlterConfigsOptions().timeoutMs(timeoutMs))
        .all()
        .get();
    LOG.info(
        "{}: set {} (kept short for its group coordinator's load)",
        OFFSETS_TOPIC,
        changes.stream().map(c -> c.configEntry().name() + "=" + c.configEntry().value()).toList());
  }

  /** The partitions of {@code topic}, or 0 when it does not exist (yet). */
  private static int partitionCount(Admin admin, String topic, int timeoutMs)
      throws ExecutionException, InterruptedException {
    KafkaFuture<TopicDescription> description =
        admin
            .describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMs))
            .topicNameValues()
            .get(topic);
    try {
      return description.get().partitions().size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return 0;
      }
      throw e;
    }
  }

  // The coordinators load within tens of milliseconds of the broker's start, and answer "load in
  // progress" until then. With the Admin client's default backoff (100 ms, doubling to 1 s) the
  // last retry came up to 0.4 s after the load had finished, on every start: a start waits for
  // this client alone, so it asks every 20 ms instead.
  private static Map<String, Object> readinessClientConfig(String bootstrap) {
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap,
        AdminClientConfig.RETRY_BACKOFF_MS_CONFIG,
        READINESS_RETRY_BACKOFF_MS,
        AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG,
        READINESS_RETRY_BACKOFF_MS);
  }

  /** Waits for an answer; {@code unknown} (the key does not exist) counts as one. */
  private static void awaitAnswer(KafkaFuture<?> answer, Class<? extends Exception> unknown)
      throws ExecutionException, InterruptedException {
    try {
      answer.get();
    } catch (ExecutionException e) {
      if (!unknown.isInstance(e.getCause())) {
        throw e;
      }
    }
  }

  /**
   * Keys that Kafka's coordinators map to each of {@code partitions} partitions (their rule: {@code
   * abs(key.hashCode()) % partitions}), one per partition.
   */
  static List<String> oneKeyPerPartition(String prefix, int partitions) {
    String[] keys = new String[partitions];
    int found = 0;
    for (int n = 0; found < partitions; n++) {
      String key = "baton-embedded-broker-check-" + prefix + "-" + n;
      int partition = Utils.abs(key.hashCode()) % partitions;
      if (keys[partition] == null) {
        keys[partition] = key;
        found++;
      }
    }
    return List.of(keys);
  }

  private static void stopAfterFailedStart(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Could not stop embedded Kafka broker after failed start", e);
    } finally {
      ExitGuard.release();
    }
  }

  // The port is released before Kafka binds it; the window is tiny and loopback-only. Kafka's
  // own port-0 support cannot be used: KafkaRaftServer does not expose the bound port, and the
  // controller port must be known up front for the voter set.
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + HOST, e);
    }
  }

  /**
   * Kafka's exit and halt procedures are process-wide, so they are replaced while at least one
   * embedded broker runs and restored when the last one closes.
   */
  private static final class ExitGuard {
    private static int runningBrokers; // guarded by ExitGuard.class

    private ExitGuard() {}

    static synchronized void acquire() {
      if (runningBrokers++ == 0) {
        Exit.setExitProcedure(ExitGuard::refuse);
        Exit.setHaltProcedure(ExitGuard::refuse);
      }
    }

    static synchronized void release() {
      if (--runningBrokers == 0) {
        Exit.resetExitProcedure();
        Exit.resetHaltProcedure();
      }
    }

    // Kafka logs the fault before it exits and does not pass the cause on; point at that log.
    private static void refuse(int statusCode, String message) {
      throw new IllegalStateException(
          "Kafka asked to end the JVM with status "
              + statusCode
              + " after a fatal error it logged"
              + (message == null ? "" : ": " + message));
    }
  }
}
