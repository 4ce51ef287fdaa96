package dev.baton.app.sink.projection;

import dev.baton.app.config.AppConfig;
import dev.baton.app.config.Redaction;
import dev.baton.app.io.DurableFiles;
import dev.baton.app.io.FileIo;
import dev.baton.app.io.ProcessFileLock;
import dev.baton.app.metrics.BatonMetrics;
import dev.baton.app.metrics.SinkMetrics;
import dev.baton.app.sink.ConsumerFault;
import dev.baton.app.sink.DiskFault;
import dev.baton.app.sink.SinkStatus;
import dev.baton.app.sink.projection.export.Exports;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintains the SQL projection from {@code baton.events} and, optionally, the files derived from it
 * ({@link Exports}).
 *
 * <p>Reads {@code read_committed} (events are written in the topology's transactions) in a consumer
 * group, so several instances share the partitions when the target is PostgreSQL. Its position is
 * the projection's {@code projection_offsets} table, not the group's committed offsets (it commits
 * none): on assignment it seeks each partition to the stored next offset. Each poll becomes one
 * database transaction holding the rows and the partitions' new offsets, so a crash at any point
 * loses and repeats nothing; versions guard against anything applied twice or out of order anyway.
 *
 * <p>A database failure rolls the batch back; the sink waits, seeks back to the stored offsets and
 * tries again, one event per transaction, so that the event it cannot write is found. Until that
 * event is written it is {@link SinkStatus.State#STALLED}: {@link #status()} names the partition,
 * the offset and the database's reason, and an error saying the same is logged on the first failure
 * and then at most once a minute (never once per retry). It never skips the event: skipping would
 * make the projection disagree with the log for good.
 *
 * <p>A failure of the Kafka consumer itself (its static membership fenced, an error from JoinGroup
 * or SyncGroup after a broker restart, a failed commit: see {@link ConsumerFault#recoverable})
 * makes the sink {@link SinkStatus.State#FAULTED}: it closes the consumer (every batch is committed
 * already), waits a backoff and consumes again with a new consumer, which seeks each partition it
 * is assigned to the stored offset. Any other exception stops the sink.
 */
public final class ProjectionSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProjectionSink.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long FIRST_STALL_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 10_000;
  private static final long STALL_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  /**
   * What the sink reads and where it writes.
   *
   * @param exports the export settings, or null to maintain only the projection
   * @param kafkaSecurity Kafka client security settings (SASL, TLS) of the consumer, by Kafka key
   */
  public record Settings(
      String bootstrapServers,
      String topic,
      String groupId,
      String groupInstanceId,
      String jdbcUrl,
      int maxBatchRecords,
      Exports.Settings exports,
      Map<String, Object> kafkaSecurity) {

    public Settings {
      kafkaSecurity = Map.copyOf(kafkaSecurity);
    }

    /** The settings of {@code config}. */
    public static Settings from(AppConfig config) {
      String group = (String) config.values().get(AppConfig.PROJECTION_GROUP_ID);
      return new Settings(
          config.bootstrapServers(),
          config.topics().events(),
          group.isBlank() ? config.applicationId() + "-projection" : group,
          config.sinkGroupInstanceId(AppConfig.PROJECTION_GROUP_INSTANCE_ID, "projection"),
          config.projectionJdbcUrl(),
          (Integer) config.values().get(AppConfig.PROJECTION_BATCH_MAX_RECORDS),
          new Exports.Settings(
              config.exportDir(),
              Duration.ofMillis((Long) config.values().get(AppConfig.DECISIONS_DEBOUNCE_MS)),
              (Long) config.values().get(AppConfig.STATE_MAX_CHANGES),
              Duration.ofMillis((Long) config.values().get(AppConfig.STATE_MAX_DELAY_MS)),
              Boolean.TRUE.equals(config.values().get(AppConfig.STATE_PRETTY)),
              Duration.ofMillis((Long) config.values().get(AppConfig.CHECKPOINT_INTERVAL_MS)),
              (Integer) config.values().get(AppConfig.CHECKPOINT_FULL_EVERY),
              (Integer) config.values().get(AppConfig.CHECKPOINT_RETAIN_FULL)),
          config.kafkaSecurity());
    }
  }

  private final Settings settings;
  private final ProcessFileLock writerLock;
  private ProjectionDatabase db;
  private final Exports exports;
  private final BatonMetrics batonMetrics;
  // Replaced by a new one when it fails (ConsumerFault); null between the two. The sink thread's,
  // read by close() to wake it.
  private volatile KafkaConsumer<String, byte[]> consumer;
  private AutoCloseable consumerMetrics;
  private final ConsumerFault consumerFault = new ConsumerFault("projection", LOG);
  private final Thread thread;
  // Opens when close() is called: the sink thread's waits end on it.
  private final CountDownLatch closing = new CountDownLatch(1);
  // Completes when the sink thread ends: normally after close(), else with what stopped it.
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final Map<TopicPartition, Long> stored = new HashMap<>();
  private volatile boolean running = true;
  private long backoff = FIRST_STALL_BACKOFF_MS;
  private volatile long appliedEvents;
  private volatile List<Integer> assigned = List.of();
  private volatile SinkStatus.Stall stall;
  private volatile long stalls;
  // After a failed batch: apply one event per transaction until the failing one is written.
  private boolean oneByOne;
  private long lastStallLogNanos;
  // A disk fault of the database (full, I/O error): the sink thread's, and what status() shows.
  private DiskFault dbFault;
  private volatile SinkStatus.Fault dbFaultView;
  private volatile long faults;

  private final SinkMetrics metrics;

  private ProjectionSink(
      Settings settings,
      ProcessFileLock writerLock,
      ProjectionDatabase db,
      Exports exports,
      BatonMetrics metrics) {
    this.settings = settings;
    this.writerLock = writerLock;
    this.db = db;
    this.exports = exports;
    this.batonMetrics = metrics;
    this.consumer = newConsumer();
    this.thread = new Thread(this::run, "baton-projection-sink");
    this.metrics = metrics.sink("projection");
    SinkStatus.measure(this.metrics, this::status);
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps(settings));
    consumerMetrics = batonMetrics.bindConsumer(c);
    return c;
  }

  /** Opens (and migrates) the projection, then starts consuming on a thread of its own. */
  public static ProjectionSink start(Settings settings) throws Exception {
    return start(settings, FileIo.SYSTEM, BatonMetrics.none());
  }

  /** {@link #start(Settings)} with exports written through {@code io} (tests inject faults). */
  public static ProjectionSink start(Settings settings, FileIo io) throws Exception {
    return start(settings, io, BatonMetrics.none());
  }

  /** As above, recording into {@code metrics}. */
  public static ProjectionSink start(Settings settings, BatonMetrics metrics) throws Exception {
    return start(settings, FileIo.SYSTEM, metrics);
  }

  /** Starts with exports written through {@code io}, recording into {@code metrics}. */
  public static ProjectionSink start(Settings settings, FileIo io, BatonMetrics metrics)
      throws Exception {
    ProcessFileLock writerLock = lockSqliteFile(settings.jdbcUrl());
    ProjectionDatabase db;
    try {
      db = ProjectionDatabase.open(settings.jdbcUrl());
    } catch (Exception e) {
      if (writerLock != null) {
        writerLock.close();
      }
      throw e;
    }
    Exports exports = null;
    try {
      if (settings.exports() != null) {
        exports =
            Exports.start(settings.exports(), settings.jdbcUrl(), io, metrics.sink("projection"));
      }
      ProjectionSink sink = new ProjectionSink(settings, writerLock, db, exports, metrics);
      sink.thread.start();
      LOG.info(
          "projection sink reading {} into {} (group {}{})",
          settings.topic(),
          Redaction.jdbcUrl(settings.jdbcUrl()),
          settings.groupId(),
          settings.groupInstanceId() == null ? "" : ", instance " + settings.groupInstanceId());
      return sink;
    } catch (Exception e) {
      if (exports != null) {
        exports.close();
      }
      db.close();
      if (writerLock != null) {
        writerLock.close();
      }
      throw e;
    }
  }

  /**
   * A SQLite projection has one writer: sinks sharing it would each apply only the partitions the
   * group gives them while each believing the file is theirs (exports, checkpoints). The lock file
   * {@code <file>.lock} makes a second sink on the same file refuse to start; PostgreSQL needs none
   * (its sinks share the partitions and write in transactions of their own). Null for PostgreSQL
   * and in-memory SQLite.
   */
  private static ProcessFileLock lockSqliteFile(String jdbcUrl) throws IOException {
    if (Dialect.of(jdbcUrl) != Dialect.SQLITE) {
      return null;
    }
    String file = ProjectionDatabase.sqliteFile(jdbcUrl);
    if (file.isEmpty() || file.startsWith(":memory:") || file.contains("mode=memory")) {
      return null;
    }
    Path lockFile = Path.of(file + ".lock").toAbsolutePath();
    Files.createDirectories(lockFile.getParent());
    return ProcessFileLock.tryAcquire(lockFile)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "another projection sink is writing "
                        + Path.of(file).toAbsolutePath()
                        + " (it holds "
                        + lockFile
                        + "). A SQLite projection has one writer: stop the other sink, give"
                        + " this one another --data-dir, or share a PostgreSQL projection"
                        + " (baton.projection.jdbc.url) between several sinks"));
  }

  /**
   * Starts the sink of {@code config} if {@value AppConfig#PROJECTION_ENABLED} is set, else returns
   * null.
   *
   * @throws IllegalStateException naming the database when it cannot be opened or migrated
   */
  public static ProjectionSink startIfEnabled(AppConfig config) {
    return startIfEnabled(config, BatonMetrics.none());
  }

  /** As above, recording into {@code metrics}. */
  public static ProjectionSink startIfEnabled(AppConfig config, BatonMetrics metrics) {
    if (!Boolean.TRUE.equals(config.values().get(AppConfig.PROJECTION_ENABLED))) {
      return null;
    }
    Settings settings = Settings.from(config);
    try {
      return start(settings, metrics);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot start the projection sink on "
              + Redaction.jdbcUrl(settings.jdbcUrl())
              + ": "
              + Redaction.secretsIn(String.valueOf(e.getMessage())),
          e);
    }
  }

  /** Events read and applied (or found already applied) since start. */
  public long appliedEvents() {
    return appliedEvents;
  }

  /** How often the sink has stalled since start (a counter for metrics). */
  public long stalls() {
    return stalls;
  }

  /**
   * Disk faults of the database and of the exports, and faults of its Kafka consumer, since start
   * (for metrics).
   */
  public long faults() {
    return faults + (exports == null ? 0 : exports.faults());
  }

  /**
   * Running with partitions, waiting for some, faulted (its Kafka consumer failed, or the database
   * or an export file cannot be written: a full disk, an I/O error), or stalled at an event it
   * cannot write.
   */
  public SinkStatus status() {
    SinkStatus.Fault fault = consumerFault.view();
    if (fault == null) {
      fault = dbFaultView;
    }
    if (fault == null && exports != null) {
      fault = exports.fault();
    }
    if (fault != null) {
      return new SinkStatus(
          "projection", SinkStatus.State.FAULTED, assigned, null, fault, faults());
    }
    SinkStatus.Stall current = stall;
    if (current != null) {
      return new SinkStatus(
          "projection", SinkStatus.State.STALLED, assigned, current, null, faults());
    }
    return SinkStatus.consuming("projection", assigned, faults());
  }

  private static Properties consumerProps(Settings s) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
    p.putAll(s.kafkaSecurity());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId());
    if (s.groupInstanceId() != null) {
      p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, s.groupInstanceId());
    }
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, s.maxBatchRecords());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, s.groupId() + "-" + ProcessHandle.current().pid());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  private void run() {
    RuntimeException failure = null;
    try {
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      while (running) {
        try {
          if (consumer == null) {
            consumer = newConsumer();
            consumer.subscribe(List.of(settings.topic()), new Rebalance());
          }
          if (!consumeOnce()) {
            break;
          }
        } catch (KafkaException e) {
          if (e instanceof WakeupException || !ConsumerFault.recoverable(e)) {
            throw e;
          }
          if (!dropConsumer(e)) {
            break;
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("projection sink woken up unexpectedly", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
      consumerFault.clear();
      stall =
          new SinkStatus.Stall(
              settings.topic(),
              -1,
              -1,
              "the sink stopped: " + Redaction.secretsIn(String.valueOf(e.getMessage())),
              1,
              Timestamps.format(java.time.Instant.now()));
      stalls++;
      LOG.error("projection sink stopped by an unexpected failure", e);
    } finally {
      closeConsumer();
      if (failure == null) {
        stopped.complete(null);
      } else {
        stopped.completeExceptionally(failure);
      }
    }
  }

  /**
   * Completes when the sink thread ends: normally after {@link #close()}, else with the failure
   * that stopped it (also shown by {@link #status()}). {@code baton sink} exits on it.
   */
  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  /**
   * One poll and its batch, or a failed batch waited out.
   *
   * @return false when the sink is closing
   */
  private boolean consumeOnce() throws InterruptedException {
    try {
      ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
      applyBatch(records);
      measureLag();
      backoff = FIRST_STALL_BACKOFF_MS;
    } catch (BatchFailure e) {
      if (isDiskFault(e.getCause())) {
        return waitOutDiskFault((SQLException) e.getCause());
      }
      stalled(e, backoff);
      if (closing.await(backoff, TimeUnit.MILLISECONDS)) {
        return false;
      }
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      seekToStored(consumer.assignment());
    }
    return true;
  }

  /**
   * The consumer failed with {@code e}, from which a new one recovers: reports the fault, closes
   * the consumer (a static member stays in the group; every batch is committed, so nothing is in
   * flight) and waits the backoff. The loop then makes a new consumer, whose assignment seeks to
   * the stored offsets.
   *
   * @return false when the sink is closing
   */
  private boolean dropConsumer(KafkaException e) throws InterruptedException {
    if (consumerFault.failed(e, assigned)) {
      faults++;
    }
    closeConsumer();
    stored.clear();
    assigned = List.of();
    metrics.assigned(Set.of());
    return !closing.await(consumerFault.backoffMs(), TimeUnit.MILLISECONDS);
  }

  private void closeConsumer() {
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      try {
        // Its rebalance callbacks (run by close) still read it.
        ConsumerFault.close(c, consumerMetrics, Duration.ofSeconds(5), LOG);
      } finally {
        consumer = null;
      }
    }
  }

  /** Each assigned partition's lag behind its end, as far as committed offsets go. */
  private void measureLag() {
    for (TopicPartition tp : consumer.assignment()) {
      OptionalLong behind = consumer.currentLag(tp);
      Long committed = stored.get(tp);
      if (behind.isPresent()) {
        long end = consumer.position(tp) + behind.getAsLong();
        metrics.lag(tp.partition(), end, committed == null ? 0 : committed);
      }
    }
  }

  /** A batch the database refused; {@code record} is set when it was a single event. */
  private static final class BatchFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final transient ConsumerRecord<String, byte[]> record;

    BatchFailure(SQLException cause, ConsumerRecord<String, byte[]> record) {
      super(cause.getMessage(), cause);
      this.record = record;
    }
  }

  private void applyBatch(ConsumerRecords<String, byte[]> records) throws BatchFailure {
    List<ProjectionRow> rows = new ArrayList<>(records.count());
    if (oneByOne && !records.isEmpty()) {
      for (ConsumerRecord<String, byte[]> record : records) {
        List<ProjectionRow> one = new ArrayList<>(1);
        rowOf(record).ifPresent(one::add);
        write(one, Map.of(record.partition(), record.offset() + 1), record);
        clearStall();
      }
      oneByOne = false;
    } else {
      for (ConsumerRecord<String, byte[]> record : records) {
        rowOf(record).ifPresent(rows::add);
      }
    }
    // Positions, not last offset + 1: they also step over transaction markers.
    Map<Integer, Long> next = new HashMap<>();
    Map<TopicPartition, Long> advanced = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      long position = consumer.position(tp);
      Long before = stored.get(tp);
      if (before == null || position > before) {
        next.put(tp.partition(), position);
        advanced.put(tp, position);
      }
    }
    appliedEvents += records.count();
    if (rows.isEmpty() && next.isEmpty()) {
      return;
    }
    ProjectionWriter.Applied applied = write(rows, next, null);
    stored.putAll(advanced);
    clearStall();
    LOG.debug(
        "applied {} events ({} rows changed), offsets {}", records.count(), applied.rows(), next);
  }

  private ProjectionWriter.Applied write(
      List<ProjectionRow> rows, Map<Integer, Long> next, ConsumerRecord<String, byte[]> record)
      throws BatchFailure {
    ProjectionWriter.Applied applied;
    try {
      applied = db.writer().apply(rows, settings.topic(), next);
    } catch (SQLException e) {
      throw new BatchFailure(e, record);
    }
    clearDbFault();
    if (record != null) {
      stored.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
    }
    if (exports != null && applied.any()) {
      exports.changed(applied);
    }
    return applied;
  }

  private void stalled(BatchFailure e, long backoff) {
    oneByOne = true;
    ConsumerRecord<String, byte[]> at = e.record;
    SinkStatus.Stall previous = stall;
    String reason = Redaction.secretsIn(String.valueOf(e.getMessage()));
    boolean samePlace =
        previous != null
            && at != null
            && previous.partition() == at.partition()
            && previous.offset() == at.offset();
    if (at == null) {
      // A whole batch failed: the next attempt goes one event at a time to find the one.
      if (previous == null) {
        LOG.warn(
            "projection write failed ({}); retrying in {} ms one event at a time", reason, backoff);
      }
      return;
    }
    long attempts = samePlace ? previous.attempts() + 1 : 1;
    String since = samePlace ? previous.since() : Timestamps.format(java.time.Instant.now());
    stall = new SinkStatus.Stall(at.topic(), at.partition(), at.offset(), reason, attempts, since);
    long now = System.nanoTime();
    if (!samePlace) {
      stalls++;
    }
    if (!samePlace || now - lastStallLogNanos >= STALL_LOG_INTERVAL_NANOS) {
      lastStallLogNanos = now;
      LOG.error(
          "projection sink STALLED at {}-{} offset {}: the database refuses the event ({});"
              + " nothing after it in that partition is projected until it is written;"
              + " retrying every {} ms at most, attempt {}",
          at.topic(),
          at.partition(),
          at.offset(),
          reason,
          MAX_BACKOFF_MS,
          attempts,
          e.getCause());
    }
  }

  private void clearStall() {
    SinkStatus.Stall previous = stall;
    if (previous != null) {
      stall = null;
      LOG.info(
          "projection sink resumed: {}-{} offset {} written after {} attempts",
          previous.topic(),
          previous.partition(),
          previous.offset(),
          previous.attempts());
    }
  }

  /**
   * Whether the database failed because of its disk rather than the event: SQLite's {@code
   * SQLITE_FULL} (13) and {@code SQLITE_IOERR} (10, with its extended codes such as {@code
   * SQLITE_IOERR_FSYNC}); PostgreSQL's {@code disk_full} (53100) and {@code io_error} (58030).
   */
  public static boolean isDiskFault(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if ("53100".equals(state) || "58030".equals(state)) {
          return true;
        }
        if (t instanceof org.sqlite.SQLiteException lite) {
          int base = lite.getResultCode().code & 0xff;
          if (base == 13 || base == 10) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * A batch failed on a disk fault: the transaction is rolled back, so the projection and its
   * offsets are still at the last commit. Reports FAULTED, waits (backing off), and then opens the
   * database anew (a SQLite connection's cache of the failed transaction is not trusted) after a
   * probe write in its folder, and seeks back to the stored offsets: the next poll tries the same
   * events again, and the fault ends with the first batch written.
   *
   * @return false when the sink is closing
   */
  private boolean waitOutDiskFault(SQLException cause) throws InterruptedException {
    oneByOne = false;
    long now = System.currentTimeMillis();
    Path file = sqlitePath();
    String reason = Redaction.secretsIn(String.valueOf(cause.getMessage()));
    if (dbFault == null) {
      dbFault = new DiskFault("write", file, cause, now);
      faults++;
      LOG.error(
          "projection sink FAULTED: the database cannot write ({}) to {}; its partitions are not"
              + " consumed past the last commit; retrying, backing off to {} ms",
          reason,
          file == null ? Redaction.jdbcUrl(settings.jdbcUrl()) : file,
          DiskFault.MAX_BACKOFF_MS);
    } else if (dbFault.failedAgain("write", file, cause, now)) {
      LOG.error("projection sink still FAULTED after {} attempts: {}", dbFault.attempts(), reason);
    }
    publishDbFault();
    while (true) {
      if (closing.await(dbFault.backoffMs(), TimeUnit.MILLISECONDS)) {
        return false;
      }
      try {
        if (file != null) {
          DurableFiles.probe(FileIo.SYSTEM, file.getParent());
        }
        ProjectionDatabase reopened = ProjectionDatabase.open(settings.jdbcUrl());
        try {
          db.close();
        } catch (SQLException e) {
          LOG.debug("closing the faulted projection connection", e);
        }
        db = reopened;
        consumer.resume(consumer.paused());
        seekToStored(consumer.assignment());
        return true;
      } catch (Exception e) {
        if (dbFault.failedAgain(
            file != null && !(e instanceof SQLException) ? "probe" : "open",
            file,
            e,
            System.currentTimeMillis())) {
          LOG.error(
              "projection sink still FAULTED after {} attempts: {}",
              dbFault.attempts(),
              dbFault.error());
        }
        publishDbFault();
        // Keep the group membership while waiting.
        consumer.pause(consumer.assignment());
        consumer.poll(Duration.ZERO);
      }
    }
  }

  private void clearDbFault() {
    if (dbFault != null) {
      LOG.info(
          "projection sink resumed after {} attempts ({} s faulted)",
          dbFault.attempts(),
          (System.currentTimeMillis() - dbFault.sinceMs()) / 1000);
      dbFault = null;
      dbFaultView = null;
    }
  }

  private void publishDbFault() {
    dbFaultView = dbFault == null ? null : dbFault.view(assigned);
  }

  /** The SQLite file of the projection, or null for PostgreSQL and in-memory SQLite. */
  private Path sqlitePath() {
    if (Dialect.of(settings.jdbcUrl()) != Dialect.SQLITE) {
      return null;
    }
    String file = ProjectionDatabase.sqliteFile(settings.jdbcUrl());
    if (file.isEmpty() || file.startsWith(":memory:") || file.contains("mode=memory")) {
      return null;
    }
    return Path.of(file).toAbsolutePath();
  }

  private static Optional<ProjectionRow> rowOf(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return Optional.empty();
    }
    try {
      Event event = Json.mapper().readValue(record.value(), Event.class);
      return EventRows.rowOf(event, record.partition(), record.offset());
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "event at {}-{}@{} is unreadable and not projected: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return Optional.empty();
    }
  }

  private void seekToStored(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    SortedMap<Integer, Long> offsets;
    try (ProjectionReader reader = db.snapshot()) {
      offsets = reader.offsets(settings.topic());
    } catch (SQLException e) {
      // Cannot read the position: stop consuming these partitions until the next attempt.
      LOG.warn("cannot read the projection offsets; pausing {}", partitions, e);
      throw new IllegalStateException("projection offsets unreadable", e);
    }
    Set<TopicPartition> fromStart = new HashSet<>();
    for (TopicPartition tp : partitions) {
      Long offset = offsets.get(tp.partition());
      if (offset == null) {
        fromStart.add(tp);
        stored.remove(tp);
      } else {
        consumer.seek(tp, offset);
        stored.put(tp, offset);
      }
    }
    if (!fromStart.isEmpty()) {
      consumer.seekToBeginning(fromStart);
    }
    LOG.info("projection positions for {}: {} (others from the beginning)", partitions, offsets);
  }

  /** Seeks newly assigned partitions to the projection's stored offsets. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      consumerFault.recovered();
      updateAssigned();
      seekToStored(partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Every batch is committed before the next poll, so nothing is in flight here.
      partitions.forEach(stored::remove);
      updateAssigned();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(stored::remove);
      updateAssigned();
    }
  }

  private void updateAssigned() {
    assigned = consumer.assignment().stream().map(TopicPartition::partition).sorted().toList();
    metrics.assigned(Set.copyOf(assigned));
  }

  /** Stops consuming after the batch in hand, writes pending exports and closes. */
  @Override
  public void close() {
    running = false;
    closing.countDown();
    ConsumerFault.wakeup(consumer, LOG);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (exports != null) {
      exports.close();
    }
    try {
      db.close();
    } catch (SQLException e) {
      LOG.warn("cannot close the projection database", e);
    }
    if (writerLock != null) {
      try {
        writerLock.close();
      } catch (IOException e) {
        LOG.warn("cannot release {}", writerLock.file(), e);
      }
    }
    LOG.info("projection sink stopped after {} events", appliedEvents);
  }
}
