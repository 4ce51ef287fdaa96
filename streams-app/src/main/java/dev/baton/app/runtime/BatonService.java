package dev.baton.app.runtime;

import dev.baton.app.auth.AdminTokenFile;
import dev.baton.app.auth.Authenticator;
import dev.baton.app.auth.NodeTokens;
import dev.baton.app.auth.TokenLog;
import dev.baton.app.auth.TokenRegistry;
import dev.baton.app.auth.TokenWriter;
import dev.baton.app.broker.EmbeddedKafkaBroker;
import dev.baton.app.broker.HangingTransactionWatch;
import dev.baton.app.broker.HangingTransactions;
import dev.baton.app.config.AppConfig;
import dev.baton.app.feed.EventFeed;
import dev.baton.app.feed.FeedSettings;
import dev.baton.app.http.HttpApi;
import dev.baton.app.metrics.BatonMetrics;
import dev.baton.app.metrics.StreamsStateMetrics;
import dev.baton.app.sink.SinkStatus;
import dev.baton.app.sink.audit.AuditSink;
import dev.baton.app.sink.projection.ProjectionSink;
import dev.baton.app.topology.TopologyFactory;
import dev.baton.sdk.BatonClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Baton node: optionally an embedded broker, then the topics, the topology, the SDK client of
 * the gateway, with auth the token registry and writer (and, when asked, the admin token file), the
 * HTTP API and (once the topology runs) the sinks, started in that order as {@link Parts} and
 * closed in reverse, on shutdown and at once when a part fails to start. "Baton is up" is logged
 * only once every part runs. Each part's start is logged with its duration and the time since the
 * JVM started.
 */
public final class BatonService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatonService.class);

  /** Logged once every part of the node has started. */
  public static final String UP_LINE = "Baton is up";

  private final Parts parts;
  private final KafkaStreams streams;
  private final BatonClient client;
  private final HttpApi http;
  private final String bootstrapServers;
  private final NodeTokens tokens;

  private BatonService(
      Parts parts,
      KafkaStreams streams,
      BatonClient client,
      HttpApi http,
      String bootstrapServers,
      NodeTokens tokens) {
    this.tokens = tokens;
    this.parts = parts;
    this.streams = streams;
    this.client = client;
    this.http = http;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * How to start: with an embedded broker on {@code brokerPort}, or against {@code config}'s; with
   * {@code adminTokenFile} (and auth on) the node writes {@code <data-dir>/admin.token} ({@link
   * AdminTokenFile}) before the HTTP API listens, so whoever sees the API answer can read it.
   */
  public record Options(
      boolean embeddedBroker, int brokerPort, Duration startTimeout, boolean adminTokenFile) {
    /** Without the admin token file. */
    public Options(boolean embeddedBroker, int brokerPort, Duration startTimeout) {
      this(embeddedBroker, brokerPort, startTimeout, false);
    }
  }

  /**
   * Starts every part in order; when one fails, the ones already started are closed (newest first)
   * and the failure is thrown.
   */
  public static BatonService start(AppConfig config, Options options) {
    HttpApi.checkExposure(config);
    Parts parts = new Parts();
    // First, so that the start-up times count from here; closed last.
    BatonMetrics metrics = parts.start("the metrics", BatonMetrics::prometheus);
    preloadRocksDb();
    AppConfig effective = NodeIdentity.resolve(config);
    if (options.embeddedBroker()) {
      EmbeddedKafkaBroker broker =
          parts.start(
              "the embedded Kafka broker",
              () ->
                  EmbeddedKafkaBroker.start(
                      new EmbeddedKafkaBroker.Settings(
                          config.dataDir().resolve("kafka"),
                          options.brokerPort(),
                          Map.of("num.partitions", String.valueOf(config.partitions())))));
      effective = effective.with(AppConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    }
    AppConfig c = effective;
    parts.start(
        "the topics",
        () -> {
          List<NewTopic> topics =
              new ArrayList<>(
                  TopicAdmin.plan(
                      c.topics(), c.partitions(), c.outcomePartitions(), c.replicationFactor()));
          topics.add(TopicAdmin.tokensTopic(c.tokensTopic(), c.replicationFactor()));
          TopicAdmin.ensure(c.kafkaClientSettings(), topics);
          return null;
        },
        nothing -> {});
    // The topology joins its group and restores its stores in its own threads; meanwhile the
    // gateway's client, the event feed and the HTTP API start (health answers 503 with the
    // topology's state until it runs), which takes about a second off every start. The sinks
    // start once it runs: on two cores they would slow the restoration down.
    CountDownLatch running = new CountDownLatch(1);
    StaleStreamMembers stale =
        c.nodeId().isBlank()
            ? null
            : parts.start(
                "the stale stream member remover",
                () ->
                    new StaleStreamMembers(c.kafkaClientSettings(), c.applicationId(), c.nodeId()),
                StaleStreamMembers::close);
    KafkaStreams streams =
        parts.start(
            "the topology",
            () -> startStreams(c, running, metrics, stale),
            s -> closeStreams(s, Duration.ofSeconds(30)));
    BatonClient client = parts.start("the gateway's Kafka client", () -> gatewayClient(c));
    NodeTokens tokens = c.authEnabled() ? startTokens(parts, c) : null;
    if (tokens != null && options.adminTokenFile()) {
      // Before the HTTP API: a script that waits for /v1/health then reads the file finds it.
      parts.start(
          "the admin token file", () -> AdminTokenFile.ensure(c.dataDir(), tokens), token -> {});
    }
    EventFeed feed = parts.start("the event feed", () -> EventFeed.start(FeedSettings.of(c)));
    List<SinkStatus.Source> sinks = new CopyOnWriteArrayList<>();
    HttpApi http =
        parts.start(
            "the HTTP API",
            () -> HttpApi.start(c, streams, client, statusesOf(sinks), feed, tokens, metrics));
    // A broker's restart can leave a transaction hanging (KAFKA-20734): on __consumer_offsets it
    // keeps the topology from running, on an output partition (baton.outcomes, baton.events) it
    // holds back the gateway's answers and the sinks. The node completes such transactions as
    // their coordinator decided, for as long as it runs: every one on the embedded broker (all its
    // partitions are the node's), only its application's on its own topics on a shared cluster.
    // The markers go over a plaintext connection (TransactionMarkers): against a cluster that
    // needs TLS or SASL the node cannot write them, and leaves hanging transactions to the
    // operator (docs/operations.md).
    boolean repair =
        c.transactionsRepair() && (options.embeddedBroker() || plaintext(c.kafkaClientSettings()));
    if (c.transactionsRepair() && !repair) {
      LOG.info(
          "hanging transactions are not completed by this node: its Kafka connection is not"
              + " PLAINTEXT (see docs/operations.md, 'Hanging transactions after a crash')");
    }
    HangingTransactionWatch hangs =
        repair
            ? parts.start(
                "the hanging-transaction watch",
                () ->
                    new HangingTransactionWatch(
                        c.kafkaClientSettings(),
                        transactionTimeout(c),
                        options.embeddedBroker()
                            ? HangingTransactions.Scope.everything()
                            : HangingTransactions.Scope.application(
                                c.applicationId(), ownTopics(c)),
                        c.applicationId()),
                HangingTransactionWatch::close)
            : null;
    if (hangs != null) {
      hangs.watch(() -> streams.state() == KafkaStreams.State.RUNNING);
    }
    awaitRunning(streams, running, options.startTimeout());
    AuditSink audit = parts.start("the audit sink", () -> AuditSink.startIfEnabled(c, metrics));
    if (audit != null) {
      sinks.add(audit::status);
    }
    ProjectionSink projection =
        parts.start("the projection sink", () -> ProjectionSink.startIfEnabled(c, metrics));
    if (projection != null) {
      sinks.add(projection::status);
    }
    // Last, so that it names only a node whose parts all run; closed first, on a clean stop.
    parts.start(
        "the endpoints file",
        () -> {
          NodeEndpoints endpoints =
              NodeEndpoints.ofThisProcess(
                  c.bootstrapServers(),
                  "http://" + localHost(c.httpHost()) + ":" + http.port(),
                  (String) c.values().get(AppConfig.TOPIC_PREFIX));
          endpoints.write(c.dataDir());
          return endpoints;
        },
        endpoints -> endpoints.deleteIfOurs(c.dataDir()));
    metrics.up();
    LOG.info(
        "{}: HTTP on http://{}:{}, Kafka at {}, running {} ({} ms since the JVM started)",
        UP_LINE,
        c.httpHost(),
        http.port(),
        c.bootstrapServers(),
        parts.names(),
        Parts.sinceJvmStart());
    return new BatonService(parts, streams, client, http, c.bootstrapServers(), tokens);
  }

  private static BatonClient gatewayClient(AppConfig c) {
    BatonClient.Builder builder =
        BatonClient.builder()
            .bootstrapServers(c.bootstrapServers())
            .agent("baton-http")
            .topics(c.topics());
    c.kafkaSecurity().forEach(builder::kafkaProperty);
    return builder.build();
  }

  /** The token registry, kept by reading the tokens topic, and the writer of the token routes. */
  private static NodeTokens startTokens(Parts parts, AppConfig c) {
    TokenRegistry registry = new TokenRegistry();
    parts.start(
        "the token registry",
        () ->
            TokenLog.start(
                c.kafkaClientSettings(), c.tokensTopic(), registry, Duration.ofSeconds(60)));
    TokenWriter writer =
        parts.start(
            "the token writer", () -> new TokenWriter(c.kafkaClientSettings(), c.tokensTopic()));
    return new NodeTokens(
        new Authenticator(registry, c.operatorToken(), Clock.systemUTC()), registry, writer);
  }

  /** Where a client on this machine reaches an API bound to {@code host}. */
  private static String localHost(String host) {
    return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
  }

  private static java.util.function.Supplier<List<SinkStatus>> statusesOf(
      List<SinkStatus.Source> sinks) {
    return () -> sinks.stream().map(SinkStatus.Source::status).toList();
  }

  /**
   * Loads RocksDB's native library in the background. The topology's first store would load it,
   * copying it out of its jar first (0.14-0.18 s on two cores, docs/reliability.md), after the
   * broker is up and before the stores open, on every start; here it overlaps the broker's and the
   * topics' start. A failure is left to the topology, which loads the library again and reports it
   * in its own words.
   */
  private static void preloadRocksDb() {
    Thread loader =
        new Thread(
            () -> {
              try {
                RocksDB.loadLibrary();
              } catch (RuntimeException | LinkageError e) {
                LOG.debug("could not load RocksDB ahead of the topology", e);
              }
            },
            "baton-rocksdb-preload");
    loader.setDaemon(true);
    loader.start();
  }

  /** Starts the topology and returns at once; {@code running} opens when it first runs. */
  private static KafkaStreams startStreams(
      AppConfig config, CountDownLatch running, BatonMetrics metrics, StaleStreamMembers stale) {
    KafkaStreams streams =
        new KafkaStreams(TopologyFactory.build(config, metrics), StreamsSettings.of(config));
    StreamsStateMetrics states = metrics.streams(streams);
    long startedAt = System.nanoTime();
    streams.setStateListener(
        (next, previous) -> {
          states.changed(previous, next);
          if (next == KafkaStreams.State.RUNNING && running.getCount() > 0) {
            LOG.info(
                "streams state {} -> {} {} ms after the topology started ({} ms since the JVM"
                    + " started)",
                previous,
                next,
                (System.nanoTime() - startedAt) / 1_000_000,
                Parts.sinceJvmStart());
            running.countDown();
          } else {
            LOG.info("streams state {} -> {}", previous, next);
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("stream thread failed; replacing it", e);
          if (stale != null) {
            // The replacement joins under another static member id; the group must not wait for
            // this thread's (StaleStreamMembers).
            stale.threadFailed();
          }
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    if (stale != null) {
      stale.watch(streams);
    }
    streams.start();
    return streams;
  }

  /** Waits until the topology first runs; after {@code timeout} the node serves anyway. */
  private static void awaitRunning(KafkaStreams streams, CountDownLatch running, Duration timeout) {
    try {
      if (!running.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        LOG.warn(
            "topology not RUNNING after {} (state {}); serving anyway", timeout, streams.state());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether Kafka clients with {@code settings} talk to the brokers in plain text. */
  static boolean plaintext(Map<String, Object> settings) {
    Object protocol = settings.get("security.protocol");
    return protocol == null || "PLAINTEXT".equalsIgnoreCase(protocol.toString().trim());
  }

  /**
   * The topics whose hanging transactions a node against a shared cluster looks at: its commands,
   * outcomes, events and tokens, its application's internal topics (changelogs) and {@code
   * __consumer_offsets} (its transactional offset commits).
   */
  static Predicate<String> ownTopics(AppConfig c) {
    Set<String> named =
        Set.of(c.topics().commands(), c.topics().outcomes(), c.topics().events(), c.tokensTopic());
    String internal = c.applicationId() + "-";
    return topic ->
        named.contains(topic)
            || topic.startsWith(internal)
            || topic.equals(Topic.GROUP_METADATA_TOPIC_NAME);
  }

  /** The topology producers' {@code transaction.timeout.ms}. */
  private static Duration transactionTimeout(AppConfig c) {
    Object configured =
        StreamsSettings.of(c)
            .get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
    return Duration.ofMillis(
        configured == null
            ? STREAMS_EOS_TRANSACTION_TIMEOUT_MS
            : Long.parseLong(configured.toString()));
  }

  /** Kafka Streams' producer {@code transaction.timeout.ms} under exactly-once, its default. */
  private static final long STREAMS_EOS_TRANSACTION_TIMEOUT_MS = 10_000;

  public KafkaStreams streams() {
    return streams;
  }

  public BatonClient client() {
    return client;
  }

  public int httpPort() {
    return http.port();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The node's tokens, or empty when auth is off. */
  public Optional<NodeTokens> tokens() {
    return Optional.ofNullable(tokens);
  }

  @Override
  public void close() {
    parts.close();
    LOG.info("Baton stopped");
  }

  /**
   * Closes the topology and leaves the consumer group, so that a restarted node (or the node taking
   * over) gets the partitions at once instead of after the session timeout.
   */
  private static void closeStreams(KafkaStreams streams, Duration timeout) {
    streams.close(
        CloseOptions.timeout(timeout)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }
}
