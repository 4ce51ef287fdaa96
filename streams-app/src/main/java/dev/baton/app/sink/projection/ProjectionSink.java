package dev.baton.app.sink.projection;

import dev.baton.app.config.AppConfig;
import dev.baton.app.sink.projection.export.Exports;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * tries again.
 */
public final class ProjectionSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProjectionSink.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long MAX_BACKOFF_MS = 10_000;

  /**
   * What the sink reads and where it writes.
   *
   * @param exports the export settings, or null to maintain only the projection
   */
  public record Settings(
      String bootstrapServers,
      String topic,
      String groupId,
      String jdbcUrl,
      int maxBatchRecords,
      Exports.Settings exports) {

    /** The settings of {@code config}. */
    public static Settings from(AppConfig config) {
      String group = (String) config.values().get(AppConfig.PROJECTION_GROUP_ID);
      return new Settings(
          config.bootstrapServers(),
          config.topics().events(),
          group.isBlank() ? config.applicationId() + "-projection" : group,
          config.projectionJdbcUrl(),
          (Integer) config.values().get(AppConfig.PROJECTION_BATCH_MAX_RECORDS),
          new Exports.Settings(
              config.exportDir(),
              Duration.ofMillis((Long) config.values().get(AppConfig.DECISIONS_DEBOUNCE_MS)),
              (Long) config.values().get(AppConfig.STATE_MAX_CHANGES),
              Duration.ofMillis((Long) config.values().get(AppConfig.STATE_MAX_DELAY_MS)),
              Duration.ofMillis((Long) config.values().get(AppConfig.CHECKPOINT_INTERVAL_MS)),
              (Integer) config.values().get(AppConfig.CHECKPOINT_FULL_EVERY),
              (Integer) config.values().get(AppConfig.CHECKPOINT_RETAIN_FULL)));
    }
  }

  private final Settings settings;
  private final ProjectionDatabase db;
  private final Exports exports;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<TopicPartition, Long> stored = new HashMap<>();
  private volatile boolean running = true;
  private volatile long appliedEvents;

  private ProjectionSink(Settings settings, ProjectionDatabase db, Exports exports) {
    this.settings = settings;
    this.db = db;
    this.exports = exports;
    this.consumer = new KafkaConsumer<>(consumerProps(settings));
    this.thread = new Thread(this::run, "baton-projection-sink");
  }

  /** Opens (and migrates) the projection, then starts consuming on a thread of its own. */
  public static ProjectionSink start(Settings settings) throws Exception {
    ProjectionDatabase db = ProjectionDatabase.open(settings.jdbcUrl());
    Exports exports = null;
    try {
      if (settings.exports() != null) {
        exports = Exports.start(settings.exports(), settings.jdbcUrl());
      }
      ProjectionSink sink = new ProjectionSink(settings, db, exports);
      sink.thread.start();
      LOG.info(
          "projection sink reading {} into {} (group {})",
          settings.topic(),
          settings.jdbcUrl(),
          settings.groupId());
      return sink;
    } catch (Exception e) {
      if (exports != null) {
        exports.close();
      }
      db.close();
      throw e;
    }
  }

  /**
   * Starts the sink of {@code config} if {@value AppConfig#PROJECTION_ENABLED} is set, else returns
   * null.
   *
   * @throws IllegalStateException naming the database when it cannot be opened or migrated
   */
  public static ProjectionSink startIfEnabled(AppConfig config) {
    if (!Boolean.TRUE.equals(config.values().get(AppConfig.PROJECTION_ENABLED))) {
      return null;
    }
    Settings settings = Settings.from(config);
    try {
      return start(settings);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot start the projection sink on " + settings.jdbcUrl() + ": " + e.getMessage(), e);
    }
  }

  /** Events read and applied (or found already applied) since start. */
  public long appliedEvents() {
    return appliedEvents;
  }

  private static Properties consumerProps(Settings s) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId());
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
    long backoff = 100;
    try {
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      while (running) {
        try {
          ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
          applyBatch(records);
          backoff = 100;
        } catch (SQLException e) {
          LOG.error(
              "projection write failed; retrying in {} ms from the stored offsets", backoff, e);
          if (stopped.await(backoff, TimeUnit.MILLISECONDS)) {
            break;
          }
          backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
          seekToStored(consumer.assignment());
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("projection sink woken up unexpectedly", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("projection sink stopped by an unexpected failure", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void applyBatch(ConsumerRecords<String, byte[]> records) throws SQLException {
    List<ProjectionRow> rows = new ArrayList<>(records.count());
    for (ConsumerRecord<String, byte[]> record : records) {
      rowOf(record).ifPresent(rows::add);
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
    if (rows.isEmpty() && next.isEmpty()) {
      return;
    }
    ProjectionWriter.Applied applied = db.writer().apply(rows, settings.topic(), next);
    stored.putAll(advanced);
    appliedEvents += records.count();
    if (exports != null && applied.any()) {
      exports.changed(applied);
    }
    LOG.debug(
        "applied {} events ({} rows changed), offsets {}", records.count(), applied.rows(), next);
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
      seekToStored(partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Every batch is committed before the next poll, so nothing is in flight here.
      partitions.forEach(stored::remove);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(stored::remove);
    }
  }

  /** Stops consuming after the batch in hand, writes pending exports and closes. */
  @Override
  public void close() {
    running = false;
    stopped.countDown();
    consumer.wakeup();
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
    LOG.info("projection sink stopped after {} events", appliedEvents);
  }
}
