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
 * below. {@code values} holds every key's parsed value. The defaults favour interactive agents
 * (lock round trips well under 50 ms) over peak throughput; see {@code docs/benchmarks.md} for the
 * measured trade-off.
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
  public static final String OUTCOME_PARTITIONS = "baton.outcomes.partitions";
  public static final String REPLICATION_FACTOR = "baton.replication.factor";
  public static final String STREAM_THREADS = "baton.stream.threads";
  public static final String STANDBY_REPLICAS = "baton.standby.replicas";
  public static final String NODE_ID = "baton.node.id";
  public static final String GROUP_SESSION_TIMEOUT_MS = "baton.group.session.timeout.ms";
  public static final String STATE_TRANSACTIONAL = "baton.state.transactional";
  public static final String TRANSACTIONS_REPAIR = "baton.transactions.repair";
  public static final String HTTP_PORT = "baton.http.port";
  public static final String HTTP_HOST = "baton.http.host";
  public static final String APPLICATION_SERVER = "baton.application.server";
  public static final String DEDUP_RETENTION_MS = "baton.dedup.retention.ms";
  public static final String PUNCTUATE_INTERVAL_MS = "baton.punctuate.interval.ms";
  public static final String LOCK_MAX_LEASE_MS = "baton.lock.max.lease.ms";
  public static final String LOCK_DEFAULT_LEASE_MS = "baton.lock.default.lease.ms";
  public static final String LOCK_MAX_WAIT_MS = "baton.lock.max.wait.ms";
  public static final String AUDIT_ENABLED = "baton.audit.enabled";
  public static final String AUDIT_GROUP_ID = "baton.audit.group.id";
  public static final String AUDIT_GROUP_INSTANCE_ID = "baton.audit.group.instance.id";
  public static final String AUDIT_SEGMENT_MAX_BYTES = "baton.audit.segment.max.bytes";
  public static final String AUDIT_SEGMENT_MAX_AGE_MS = "baton.audit.segment.max.age.ms";
  public static final String AUDIT_SEGMENT_MAX_LINES = "baton.audit.segment.max.lines";
  public static final String AUDIT_FSYNC_INTERVAL_MS = "baton.audit.fsync.interval.ms";
  public static final String AUDIT_FSYNC_BYTES = "baton.audit.fsync.bytes";
  public static final String AUDIT_COMPRESSION = "baton.audit.compression";
  public static final String AUDIT_RETENTION_MS = "baton.audit.retention.ms";
  public static final String AUDIT_RETENTION_BYTES = "baton.audit.retention.bytes";
  public static final String PROJECTION_ENABLED = "baton.projection.enabled";
  public static final String PROJECTION_JDBC_URL = "baton.projection.jdbc.url";
  public static final String PROJECTION_GROUP_ID = "baton.projection.group.id";
  public static final String PROJECTION_GROUP_INSTANCE_ID = "baton.projection.group.instance.id";
  public static final String PROJECTION_BATCH_MAX_RECORDS = "baton.projection.batch.max.records";
  public static final String DECISIONS_DEBOUNCE_MS = "baton.export.decisions.debounce.ms";
  public static final String STATE_MAX_CHANGES = "baton.export.state.max.changes";
  public static final String STATE_MAX_DELAY_MS = "baton.export.state.max.delay.ms";
  public static final String STATE_PRETTY = "baton.export.state.pretty";
  public static final String CHECKPOINT_INTERVAL_MS = "baton.checkpoint.interval.ms";
  public static final String CHECKPOINT_FULL_EVERY = "baton.checkpoint.full.every";
  public static final String CHECKPOINT_RETAIN_FULL = "baton.checkpoint.retain.full";
  public static final String HOOKS_LEASE_MS = "baton.hooks.lease.ms";
  public static final String HOOKS_WAIT_MS = "baton.hooks.wait.ms";
  public static final String HOOKS_ROOT = "baton.hooks.root";
  public static final String HOOKS_CLAUDE_ALLOW = "baton.hooks.claude.allow";
  public static final String MCP_ALLOWED_HOSTS = "baton.mcp.allowed.hosts";
  public static final String MCP_ALLOWED_ORIGINS = "baton.mcp.allowed.origins";
  public static final String FEED_BUFFER_EVENTS = "baton.feed.buffer.events";
  public static final String FEED_BUFFER_BYTES = "baton.feed.buffer.bytes";
  public static final String FEED_WATCHER_BUFFER_BYTES = "baton.feed.watcher.buffer.bytes";
  public static final String FEED_READERS = "baton.feed.readers";
  public static final String FEED_HEARTBEAT_MS = "baton.feed.heartbeat.ms";
  public static final String AUTH_ENABLED = "baton.auth.enabled";
  public static final String AUTH_ADMIN_TOKEN = "baton.auth.admin.token";
  public static final String LIMITS_AGENT_COMMANDS = "baton.limits.agent.commands";
  public static final String LIMITS_AGENT_LOCK_WAITS = "baton.limits.agent.lock.waits";
  public static final String METRICS_ENABLED = "baton.metrics.enabled";
  public static final String METRICS_AUTH = "baton.metrics.auth";
  public static final String METRICS_PORT = "baton.metrics.port";
  public static final String METRICS_HOST = "baton.metrics.host";

  /**
   * Kafka client settings every client of a node and its sinks passes through, each as key {@code
   * baton.kafka.<setting>} (so {@code BATON_KAFKA_SASL_MECHANISM}): how to authenticate to and
   * encrypt for the cluster (SASL SCRAM-SHA-512 or OAUTHBEARER, TLS). Empty means Kafka's default.
   */
  public static final java.util.List<String> KAFKA_CLIENT_SETTINGS =
      java.util.List.of(
          "security.protocol",
          "sasl.mechanism",
          "sasl.jaas.config",
          "sasl.login.callback.handler.class",
          "sasl.oauthbearer.token.endpoint.url",
          "ssl.truststore.location",
          "ssl.truststore.password",
          "ssl.truststore.type",
          "ssl.keystore.location",
          "ssl.keystore.password",
          "ssl.keystore.type",
          "ssl.key.password",
          "ssl.endpoint.identification.algorithm");

  /** Prefix of the keys of {@link #KAFKA_CLIENT_SETTINGS}. */
  public static final String KAFKA_PREFIX = "baton.kafka.";

  /** The tokens topic's name after {@value #TOPIC_PREFIX}. */
  public static final String TOKENS_TOPIC = "baton.tokens";

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
              OUTCOME_PARTITIONS,
              Type.INT,
              0,
              Range.between(0, 10_000),
              Importance.LOW,
              "Partitions of the outcomes topic when Baton creates it; 0 means baton.partitions."
                  + " Every client reads one outcomes partition and is woken by every outcome"
                  + " written to it, so with many clients more partitions mean fewer needless"
                  + " wake-ups (see docs/benchmarks.md).")
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
              STANDBY_REPLICAS,
              Type.INT,
              1,
              Range.between(0, 8),
              Importance.MEDIUM,
              "Warm copies of each partition's state on other nodes (Kafka Streams'"
                  + " num.standby.replicas). When a node dies, a node with a standby takes its"
                  + " partitions over without restoring them from the changelogs. With one node"
                  + " there is nowhere to put a copy and the setting has no effect; 0 saves the"
                  + " disk and the replication traffic of the copies (see docs/operations.md).")
          .define(
              NODE_ID,
              Type.STRING,
              "",
              new NodeIdValidator(),
              Importance.MEDIUM,
              "This node's identity in its consumer groups (static membership, Kafka's"
                  + " group.instance.id): the topology joins as <node id>, the sinks as <node"
                  + " id>-audit and <node id>-projection unless their own instance id is set. A node"
                  + " restarted with the same id, after a crash too, takes its old place at once"
                  + " instead of waiting for the dead member's session to time out. Empty means"
                  + " the id stored in <data dir>/node.id, made once on the first start. Two"
                  + " running nodes must never share an id (the group fences the older one).")
          .define(
              GROUP_SESSION_TIMEOUT_MS,
              Type.INT,
              10_000,
              Range.between(1000, 1_800_000),
              Importance.LOW,
              "session.timeout.ms of the topology's consumer: how long a node that died and does"
                  + " not come back keeps its partitions before the other nodes take them. The heartbeat interval is a third of it, at most 3 s. The cluster's"
                  + " group.min.session.timeout.ms (6 s by default) bounds it from below.")
          .define(
              STATE_TRANSACTIONAL,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Kafka Streams transactional state stores (enable.transactional.statestores):"
                  + " under exactly_once_v2 a node that crashed keeps its RocksDB stores and"
                  + " replays only the last uncommitted writes, instead of wiping the stores and"
                  + " restoring them from their changelogs.")
          .define(
              TRANSACTIONS_REPAIR,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Complete transactions a broker's crash left hanging (KAFKA-20734) as their"
                  + " coordinator decided, read from __transaction_state: with the embedded broker"
                  + " every such transaction, against a cluster only this application's on its"
                  + " own topics and __consumer_offsets; while the topology does not run it also"
                  + " clears offsets the group coordinator holds pending for an aborted"
                  + " transaction. It writes the markers over a plain connection, so against a"
                  + " cluster it runs only when the Kafka connection is PLAINTEXT; with an ACL"
                  + " authorizer it needs Read on __transaction_state and ClusterAction"
                  + " (WriteTxnMarkers). Otherwise docs/operations.md's manual procedure applies.")
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
              APPLICATION_SERVER,
              Type.STRING,
              "",
              new HostAndPort(),
              Importance.MEDIUM,
              "host:port at which other nodes reach this node's HTTP API, advertised to Kafka"
                  + " Streams as application.server (in Kubernetes, the pod's stable DNS name"
                  + " under its headless Service). Empty means baton.http.host:baton.http.port.")
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
              "Longest a lock request may wait in the queue.")
          .define(
              AUDIT_ENABLED,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Whether baton up and baton sink run the audit sink (baton serve never does).")
          .define(
              AUDIT_GROUP_ID,
              Type.STRING,
              "",
              Importance.LOW,
              "Consumer group of the audit sink instances; empty means"
                  + " <application id>-audit-sink.")
          .define(
              AUDIT_GROUP_INSTANCE_ID,
              Type.STRING,
              "",
              Importance.LOW,
              "Static group membership id of this audit sink instance (e.g. the pod name); a"
                  + " restarted instance with the same id gets its partitions back at once."
                  + " Empty means <node id>-audit (see baton.node.id).")
          .define(
              AUDIT_SEGMENT_MAX_BYTES,
              Type.LONG,
              50L * 1024 * 1024,
              Range.atLeast(1024),
              Importance.MEDIUM,
              "Audit segment rotation: close a segment before a line would take it past this"
                  + " size.")
          .define(
              AUDIT_SEGMENT_MAX_AGE_MS,
              Type.LONG,
              Duration.ofHours(24).toMillis(),
              Range.atLeast(1),
              Importance.MEDIUM,
              "Audit segment rotation: close a segment once it has been open this long.")
          .define(
              AUDIT_SEGMENT_MAX_LINES,
              Type.LONG,
              60_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Audit segment rotation: close a segment when it holds this many lines.")
          .define(
              AUDIT_FSYNC_INTERVAL_MS,
              Type.LONG,
              1000L,
              Range.between(1, 3_600_000),
              Importance.LOW,
              "Group fsync of audit segments: at most this long between a write and its fsync.")
          .define(
              AUDIT_FSYNC_BYTES,
              Type.LONG,
              4L * 1024 * 1024,
              Range.atLeast(1),
              Importance.LOW,
              "Group fsync of audit segments: fsync once this many bytes are written unsynced.")
          .define(
              AUDIT_COMPRESSION,
              Type.STRING,
              "none",
              ValidString.in("none", "zstd"),
              Importance.LOW,
              "Compression of closed audit segments.")
          .define(
              AUDIT_RETENTION_MS,
              Type.LONG,
              -1L,
              Range.atLeast(-1),
              Importance.LOW,
              "Delete closed audit segments older than this; -1 keeps them forever.")
          .define(
              AUDIT_RETENTION_BYTES,
              Type.LONG,
              -1L,
              Range.atLeast(-1),
              Importance.LOW,
              "Delete the oldest closed audit segments of a partition while the partition holds"
                  + " more than this; -1 means no limit.")
          .define(
              PROJECTION_ENABLED,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Whether baton up and baton sink run the projection sink (SQL projection, decisions.md,"
                  + " state.json, scheduled checkpoints).")
          .define(
              PROJECTION_JDBC_URL,
              Type.STRING,
              "",
              Importance.HIGH,
              "JDBC URL of the SQL projection (jdbc:sqlite:... or jdbc:postgresql://...); empty"
                  + " means the SQLite file <data dir>/baton.db.")
          .define(
              PROJECTION_GROUP_ID,
              Type.STRING,
              "",
              Importance.LOW,
              "Consumer group of the projection sink instances (they share the partitions when"
                  + " the target is PostgreSQL); empty means <application id>-projection.")
          .define(
              PROJECTION_GROUP_INSTANCE_ID,
              Type.STRING,
              "",
              Importance.LOW,
              "Static group membership id of this projection sink instance (e.g. the pod name);"
                  + " a restarted instance with the same id gets its partitions back at once"
                  + " instead of after the session timeout. Empty means <node id>-projection (see"
                  + " baton.node.id).")
          .define(
              PROJECTION_BATCH_MAX_RECORDS,
              Type.INT,
              1000,
              Range.between(1, 100_000),
              Importance.LOW,
              "Most events the projection applies in one database transaction.")
          .define(
              DECISIONS_DEBOUNCE_MS,
              Type.LONG,
              500L,
              Range.between(0, 3_600_000),
              Importance.LOW,
              "decisions.md is regenerated once no decision has arrived for this long.")
          .define(
              STATE_MAX_CHANGES,
              Type.LONG,
              1000L,
              Range.atLeast(1),
              Importance.LOW,
              "state.json is replaced once this many task or lock changes are pending.")
          .define(
              STATE_MAX_DELAY_MS,
              Type.LONG,
              1000L,
              Range.between(0, 3_600_000),
              Importance.LOW,
              "state.json is replaced at most this long after the first pending change.")
          .define(
              STATE_PRETTY,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              "Write state.json indented for people to read; false writes it compact (about a"
                  + " third of the size).")
          .define(
              CHECKPOINT_INTERVAL_MS,
              Type.LONG,
              Duration.ofHours(1).toMillis(),
              Range.atLeast(0),
              Importance.MEDIUM,
              "How often the projection sink writes a checkpoint; 0 turns scheduled checkpoints"
                  + " off (baton checkpoint create still works).")
          .define(
              CHECKPOINT_FULL_EVERY,
              Type.INT,
              6,
              Range.between(1, 10_000),
              Importance.LOW,
              "Every n-th scheduled checkpoint is full, the others incremental; 1 means all"
                  + " full.")
          .define(
              CHECKPOINT_RETAIN_FULL,
              Type.INT,
              3,
              Range.between(1, 10_000),
              Importance.MEDIUM,
              "Checkpoint retention: keep the newest n full checkpoints and every incremental"
                  + " one that builds on them.")
          .define(
              HOOKS_LEASE_MS,
              Type.LONG,
              Duration.ofMinutes(10).toMillis(),
              Range.atLeast(1),
              Importance.MEDIUM,
              "Lease of the file lock an edit hook takes; each later edit of the file by the"
                  + " same agent renews it. Must not exceed baton.lock.max.lease.ms.")
          .define(
              HOOKS_WAIT_MS,
              Type.LONG,
              2000L,
              Range.between(0, 50_000),
              Importance.MEDIUM,
              "How long an edit hook waits in the queue of a file another agent holds before it"
                  + " denies the edit (a hook may override it with ?waitMs=).")
          .define(
              HOOKS_ROOT,
              Type.STRING,
              "",
              Importance.LOW,
              "Workspace root every hook path is resolved against. Empty: the X-Baton-Root header"
                  + " of the hook, else the nearest directory above the hook's cwd holding .git.")
          .define(
              HOOKS_CLAUDE_ALLOW,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              "Answer Claude Code's PreToolUse with permissionDecision allow when the lock is"
                  + " granted. False gives no decision, so the user's own permission rules still"
                  + " apply to the edit.")
          .define(
              MCP_ALLOWED_HOSTS,
              Type.LIST,
              "localhost:*,127.0.0.1:*,[::1]:*",
              Importance.MEDIUM,
              "Host header values /mcp accepts (a guard against DNS rebinding); host:* allows"
                  + " any port. Add the names clients use when the API listens beyond loopback.")
          .define(
              MCP_ALLOWED_ORIGINS,
              Type.LIST,
              "http://localhost:*,http://127.0.0.1:*",
              Importance.MEDIUM,
              "Origin header values /mcp and the hooks accept when a client sends one (browsers"
                  + " do); requests without Origin are not browser requests and pass.")
          .define(
              FEED_BUFFER_EVENTS,
              Type.INT,
              20_000,
              Range.between(100, 10_000_000),
              Importance.LOW,
              "Most recent events of baton.events the node keeps in memory for /v1/events;"
                  + " readers further back are served by the catch-up readers.")
          .define(
              FEED_BUFFER_BYTES,
              Type.LONG,
              32L * 1024 * 1024,
              Range.atLeast(1024 * 1024),
              Importance.LOW,
              "Most bytes (event JSON plus bookkeeping) the in-memory event buffer holds.")
          .define(
              FEED_WATCHER_BUFFER_BYTES,
              Type.INT,
              128 * 1024,
              Range.between(4 * 1024, 64 * 1024 * 1024),
              Importance.LOW,
              "Unsent bytes a server-sent-events watcher of /v1/events may owe before the node"
                  + " cuts it off (it resumes with Last-Event-ID); bounds a slow reader's memory.")
          .define(
              FEED_READERS,
              Type.INT,
              2,
              Range.between(1, 32),
              Importance.LOW,
              "Catch-up readers (Kafka consumers) serving /v1/events cursors older than the"
                  + " in-memory buffer.")
          .define(
              FEED_HEARTBEAT_MS,
              Type.LONG,
              15_000L,
              Range.between(100, 600_000),
              Importance.LOW,
              "Interval of the server-sent-events heartbeat (a comment line, or a bookmark event"
                  + " when filters skipped events since the last id).")
          .define(
              AUTH_ENABLED,
              Type.BOOLEAN,
              false,
              Importance.HIGH,
              "Require a bearer token (Authorization: Bearer ...) on every request to the HTTP"
                  + " API, MCP and hooks except GET /v1/health. baton serve turns it on unless"
                  + " started with --insecure-no-auth, baton up with --auth. A node whose"
                  + " baton.http.host is not a loopback address refuses to start without it.")
          .define(
              LIMITS_AGENT_COMMANDS,
              Type.INT,
              16,
              Range.between(0, 1_000_000),
              Importance.MEDIUM,
              "Commands of one agent a node holds in flight (sent, not yet answered) over HTTP;"
                  + " beyond it the agent gets 429 TOO_MANY_REQUESTS with Retry-After, so one"
                  + " runaway agent cannot starve the others. 0: no limit.")
          .define(
              LIMITS_AGENT_LOCK_WAITS,
              Type.INT,
              128,
              Range.between(0, 1_000_000),
              Importance.MEDIUM,
              "Lock requests of one agent a node holds waiting (long-poll acquires, hooks waiting"
                  + " for a file lock); beyond it 429 TOO_MANY_REQUESTS with Retry-After. 0: no"
                  + " limit.")
          .define(
              AUTH_ADMIN_TOKEN,
              Type.PASSWORD,
              "",
              new MinLength(24),
              Importance.MEDIUM,
              "An admin token every node accepts besides those in the tokens topic, as agent"
                  + " 'operator' on every workspace: the way in for a deployment that creates its"
                  + " first tokens over HTTP (set it from a Kubernetes Secret, at least 24"
                  + " characters). Empty: none.")
          .define(
              METRICS_ENABLED,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Serve GET /metrics (Prometheus text format) on the HTTP API port.")
          .define(
              METRICS_AUTH,
              Type.STRING,
              "none",
              ValidString.in("none", "token"),
              Importance.MEDIUM,
              "Whether GET /metrics on the API port needs a token when baton.auth.enabled is on:"
                  + " none (read-only and open, like /v1/health: it carries no task, lock or agent"
                  + " names) or token (any valid token).")
          .define(
              METRICS_PORT,
              Type.INT,
              -1,
              Range.between(-1, 65535),
              Importance.MEDIUM,
              "Port of a metrics-only HTTP listener (GET /metrics, open, read-only) for 'baton"
                  + " sink', which has no API port; -1: none, 0: any free port.")
          .define(
              METRICS_HOST,
              Type.STRING,
              "127.0.0.1",
              Importance.LOW,
              "Address the metrics-only listener of 'baton sink' (" + METRICS_PORT + ") binds to.");

  static {
    for (String setting : KAFKA_CLIENT_SETTINGS) {
      boolean secret = setting.endsWith("password") || setting.equals("sasl.jaas.config");
      DEFINITION.define(
          KAFKA_PREFIX + setting,
          secret ? Type.PASSWORD : Type.STRING,
          "",
          Importance.LOW,
          "Kafka client setting "
              + setting
              + " of every Kafka client of the node and its sinks (Streams, the gateway, the"
              + " sinks, the token log); empty: Kafka's default. See docs/operations.md, Kafka"
              + " access.");
    }
  }

  /** Whether the node completes hanging transactions ({@value #TRANSACTIONS_REPAIR}). */
  public boolean transactionsRepair() {
    return (Boolean) values.get(TRANSACTIONS_REPAIR);
  }

  /** Whether requests need a token ({@value #AUTH_ENABLED}). */
  public boolean authEnabled() {
    return (Boolean) values.get(AUTH_ENABLED);
  }

  /** The configured operator token ({@value #AUTH_ADMIN_TOKEN}), or empty. */
  public String operatorToken() {
    Object value = values.get(AUTH_ADMIN_TOKEN);
    return value instanceof org.apache.kafka.common.config.types.Password p ? p.value() : "";
  }

  /**
   * The compacted topic of token records ({@code <prefix>baton.tokens}), read by every node; see
   * docs/architecture.md.
   */
  public String tokensTopic() {
    return values.get(TOPIC_PREFIX) + TOKENS_TOPIC;
  }

  /**
   * Settings every Kafka client of the node starts from: the bootstrap servers and the security
   * settings of {@link #KAFKA_CLIENT_SETTINGS} that are set.
   */
  public Map<String, Object> kafkaClientSettings() {
    Map<String, Object> settings = new HashMap<>(kafkaSecurity());
    settings.put("bootstrap.servers", bootstrapServers);
    return settings;
  }

  /** The security settings of {@link #KAFKA_CLIENT_SETTINGS} that are set, by Kafka key. */
  public Map<String, Object> kafkaSecurity() {
    Map<String, Object> settings = new HashMap<>();
    for (String setting : KAFKA_CLIENT_SETTINGS) {
      Object value = values.get(KAFKA_PREFIX + setting);
      String text =
          value instanceof org.apache.kafka.common.config.types.Password p
              ? p.value()
              : String.valueOf(value);
      if (value != null && !text.isEmpty()) {
        settings.put(setting, text);
      }
    }
    return settings;
  }

  /** Partitions of the outcomes topic when Baton creates it. */
  public int outcomePartitions() {
    int n = (Integer) values.get(OUTCOME_PARTITIONS);
    return n == 0 ? partitions : n;
  }

  /**
   * Where other nodes reach this node's HTTP API: {@value #APPLICATION_SERVER}, or {@code <http
   * host>:<http port>} when it is empty.
   */
  public String applicationServer() {
    String advertised = (String) values.get(APPLICATION_SERVER);
    return advertised.isEmpty() ? httpHost + ":" + httpPort : advertised;
  }

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

  /** Where the audit sink writes its segments: {@code <data-dir>/export/audit}. */
  public Path auditDir() {
    return exportDir().resolve("audit");
  }

  /**
   * The JDBC URL of the SQL projection: {@value #PROJECTION_JDBC_URL}, or the SQLite file {@code
   * <data-dir>/baton.db}.
   */
  public String projectionJdbcUrl() {
    String url = (String) values.get(PROJECTION_JDBC_URL);
    return url.isBlank() ? "jdbc:sqlite:" + dataDir.resolve("baton.db") : url;
  }

  /** Where checkpoints live: {@code <data-dir>/export/checkpoints}. */
  public Path checkpointDir() {
    return exportDir().resolve("checkpoints");
  }

  /** This config with one key changed, validated like any other. */
  public AppConfig with(String key, Object value) {
    Map<String, Object> props = new HashMap<>(values);
    props.put(key, value);
    return parse(props);
  }

  /** This node's static membership id, or empty when it comes from the data directory. */
  public String nodeId() {
    return (String) values.get(NODE_ID);
  }

  /**
   * A sink's {@code group.instance.id}: {@code ownKey}'s value, else {@code <node id>-<sink>}, else
   * null (dynamic membership) when no node id is known.
   */
  public String sinkGroupInstanceId(String ownKey, String sink) {
    String own = (String) values.get(ownKey);
    if (!own.isBlank()) {
      return own;
    }
    return nodeId().isBlank() ? null : nodeId() + "-" + sink;
  }

  /** Letters, digits, {@code .}, {@code _} and {@code -}, at most 200 characters; or empty. */
  private static final class NodeIdValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      String s = (String) value;
      if (s != null && !s.matches("[A-Za-z0-9._-]{0,200}")) {
        throw new ConfigException(
            name, value, "must be letters, digits, '.', '_' or '-', at most 200 characters");
      }
    }

    @Override
    public String toString() {
      return "empty, or [A-Za-z0-9._-]{1,200}";
    }
  }

  /** Empty (not set), or a secret of at least {@code min} characters. */
  private record MinLength(int min) implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value instanceof org.apache.kafka.common.config.types.Password p
          && !p.value().isEmpty()
          && p.value().length() < min) {
        // Never quote the value: it is a secret.
        throw new ConfigException(
            name + " must be at least " + min + " characters long (the value is not shown)");
      }
    }

    @Override
    public String toString() {
      return "empty, or at least " + min + " characters";
    }
  }

  /** Empty, or {@code host:port} with a port from 1 to 65535. */
  private static final class HostAndPort implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      String s = (String) value;
      if (s == null || s.isEmpty()) {
        return;
      }
      int colon = s.lastIndexOf(':');
      String host = colon < 0 ? "" : s.substring(0, colon);
      int port;
      try {
        port = colon < 0 ? -1 : Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (host.isBlank() || host.contains("/") || port < 1 || port > 65535) {
        throw new ConfigException(name, value, "must be host:port with a port from 1 to 65535");
      }
    }

    @Override
    public String toString() {
      return "empty, or host:port";
    }
  }
}
