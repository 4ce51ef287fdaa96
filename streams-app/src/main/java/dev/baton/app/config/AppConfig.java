package dev.baton.app.config;

import dev.baton.sdk.protocol.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The service's configuration: every key declared once in {@link #DEFINITION} with its default,
 * documentation and validation. {@link #parse(Map)} fails naming the bad key and value.
 *
 * <p>Latency versus throughput: outcomes become visible to clients ({@code read_committed}) when
 * the Streams transaction commits, so {@code baton.commit.interval.ms} bounds command latency from
 * below. {@code values} holds every key's parsed value. The defaults favour interactive agents (lock round trips well under 50 ms) over peak
 * throughput; see {@code docs/benchmarks.md} for the measured trade-off.
 */
public record AppConfig(
    String bootstrapServers,
    String applicationId,
    Path dataDir,
    String processingGuarantee,
    long commitIntervalMs,
    long producerLingerMs,
    int partitions,
    short replicationFactor,
    int streamThreads,
    int httpPort,
    String httpHost,
    Duration dedupRetention,
    Duration punctuateInterval,
    Duration maxLease,
    Duration defaultLease,
    Duration maxWait,
    Map<String, Object> values) {

  public static final String BOOTSTRAP_SERVERS = "baton.bootstrap.servers";
  public static final String TOPIC_PREFIX = "baton.topic.prefix";
  public static final String APPLICATION_ID = "baton.application.id";
  public static final String DATA_DIR = "baton.data.dir";
  public static final String PROCESSING_GUARANTEE = "baton.processing.guarantee";
  public static final String COMMIT_INTERVAL_MS = "baton.commit.interval.ms";
  public static final String PRODUCER_LINGER_MS = "baton.producer.linger.ms";
  public static final String PARTITIONS = "baton.partitions";
  public static final String REPLICATION_FACTOR = "baton.replication.factor";
  public static final String STREAM_THREADS = "baton.stream.threads";
  public static final String HTTP_PORT = "baton.http.port";
  public static final String HTTP_HOST = "baton.http.host";
  public static final String DEDUP_RETENTION_MS = "baton.dedup.retention.ms";
  public static final String PUNCTUATE_INTERVAL_MS = "baton.punctuate.interval.ms";
  public static final String LOCK_MAX_LEASE_MS = "baton.lock.max.lease.ms";
  public static final String LOCK_DEFAULT_LEASE_MS = "baton.lock.default.lease.ms";
  public static final String LOCK_MAX_WAIT_MS = "baton.lock.max.wait.ms";

  public static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              BOOTSTRAP_SERVERS,
              Type.STRING,
              "localhost:9092",
              Importance.HIGH,
              "Kafka bootstrap servers the topology and the sink connect to.")
          .define(
              TOPIC_PREFIX,
              Type.STRING,
              "",
              Importance.LOW,
              "Prefix of the topic names (<prefix>baton.commands, ...), to run several Baton"
                  + " systems on one cluster. Clients must use the same prefix.")
          .define(
              APPLICATION_ID,
              Type.STRING,
              "baton",
              Importance.HIGH,
              "Kafka Streams application id: names the consumer group, internal topics and"
                  + " state directory. Instances with the same id share the partitions.")
          .define(
              DATA_DIR,
              Type.STRING,
              "baton-data",
              Importance.HIGH,
              "Directory for RocksDB state (streams/), the embedded broker (kafka/) and exports.")
          .define(
              PROCESSING_GUARANTEE,
              Type.STRING,
              "exactly_once_v2",
              ValidString.in("exactly_once_v2", "at_least_once"),
              Importance.MEDIUM,
              "Kafka Streams processing guarantee. exactly_once_v2 makes state, outcomes and"
                  + " events commit atomically.")
          .define(
              COMMIT_INTERVAL_MS,
              Type.LONG,
              10L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "How often the topology commits its transaction. Outcomes become visible to"
                  + " read_committed clients only at commit, so this bounds command latency.")
          .define(
              PRODUCER_LINGER_MS,
              Type.LONG,
              5L,
              Range.between(0, 1000),
              Importance.MEDIUM,
              "linger.ms of the topology's producer (Streams would default it to 100 ms).")
          .define(
              PARTITIONS,
              Type.INT,
              6,
              Range.between(1, 10_000),
              Importance.MEDIUM,
              "Partitions of the baton topics when Baton creates them.")
          .define(
              REPLICATION_FACTOR,
              Type.SHORT,
              (short) 1,
              Range.between(1, 32),
              Importance.MEDIUM,
              "Replication factor of the baton topics and the Streams internal topics.")
          .define(
              STREAM_THREADS,
              Type.INT,
              1,
              Range.between(1, 64),
              Importance.LOW,
              "Kafka Streams threads in this instance.")
          .define(
              HTTP_PORT,
              Type.INT,
              7070,
              Range.between(0, 65535),
              Importance.HIGH,
              "Port of the HTTP API (0 picks a free one).")
          .define(
              HTTP_HOST,
              Type.STRING,
              "127.0.0.1",
              Importance.MEDIUM,
              "Address the HTTP API binds to.")
          .define(
              DEDUP_RETENTION_MS,
              Type.LONG,
              Duration.ofHours(24).toMillis(),
              Range.atLeast(1000),
              Importance.LOW,
              "How long a command id is remembered to deduplicate retries.")
          .define(
              PUNCTUATE_INTERVAL_MS,
              Type.LONG,
              200L,
              Range.between(10, 60_000),
              Importance.LOW,
              "Wall-clock interval of the expiry punctuator (leases, waits, command ids).")
          .define(
              LOCK_MAX_LEASE_MS,
              Type.LONG,
              Duration.ofHours(1).toMillis(),
              Range.atLeast(1),
              Importance.MEDIUM,
              "Longest lease a lock request may ask for.")
          .define(
              LOCK_DEFAULT_LEASE_MS,
              Type.LONG,
              Duration.ofSeconds(60).toMillis(),
              Range.atLeast(1),
              Importance.MEDIUM,
              "Lease of a lock request that names none.")
          .define(
              LOCK_MAX_WAIT_MS,
              Type.LONG,
              Duration.ofHours(1).toMillis(),
              Range.atLeast(0),
              Importance.LOW,
              "Longest a lock request may wait in the queue.");

  /** Parses and validates; throws {@link ConfigException} naming the key and the value. */
  public static AppConfig parse(Map<?, ?> props) {
    Map<String, Object> v = DEFINITION.parse(props);
    AppConfig config =
        new AppConfig(
            (String) v.get(BOOTSTRAP_SERVERS),
            (String) v.get(APPLICATION_ID),
            Path.of((String) v.get(DATA_DIR)),
            (String) v.get(PROCESSING_GUARANTEE),
            (Long) v.get(COMMIT_INTERVAL_MS),
            (Long) v.get(PRODUCER_LINGER_MS),
            (Integer) v.get(PARTITIONS),
            (Short) v.get(REPLICATION_FACTOR),
            (Integer) v.get(STREAM_THREADS),
            (Integer) v.get(HTTP_PORT),
            (String) v.get(HTTP_HOST),
            Duration.ofMillis((Long) v.get(DEDUP_RETENTION_MS)),
            Duration.ofMillis((Long) v.get(PUNCTUATE_INTERVAL_MS)),
            Duration.ofMillis((Long) v.get(LOCK_MAX_LEASE_MS)),
            Duration.ofMillis((Long) v.get(LOCK_DEFAULT_LEASE_MS)),
            Duration.ofMillis((Long) v.get(LOCK_MAX_WAIT_MS)),
            Map.copyOf(v));
    if (config.defaultLease.compareTo(config.maxLease) > 0) {
      throw new ConfigException(
          LOCK_DEFAULT_LEASE_MS,
          config.defaultLease.toMillis(),
          "must not exceed " + LOCK_MAX_LEASE_MS + " (" + config.maxLease.toMillis() + ")");
    }
    return config;
  }

  /** All defaults, with the given overrides. */
  public static AppConfig defaults(Map<String, ?> overrides) {
    Properties props = new Properties();
    props.putAll(overrides);
    return parse(props);
  }

  public Topics topics() {
    return Topics.withPrefix((String) values.get(TOPIC_PREFIX));
  }

  public Path streamsStateDir() {
    return dataDir.resolve("streams");
  }

  public Path exportDir() {
    return dataDir.resolve("export");
  }

  /** This config with one key changed, validated like any other. */
  public AppConfig with(String key, Object value) {
    Map<String, Object> props = new HashMap<>(values);
    props.put(key, value);
    return parse(props);
  }
}
