package dev.baton.app.sink.audit;

import dev.baton.app.config.AppConfig;
import dev.baton.app.io.FixedWidthTimes;
import dev.baton.app.metrics.BatonMetrics;
import dev.baton.app.metrics.SinkMetrics;
import dev.baton.app.sink.SinkStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit sink: exports the events topic into per-partition JSONL segments (see {@link AuditLine}
 * for the line format, {@link Segment} for the files, {@link PartitionLog} for how they are
 * written).
 *
 * <p>Instances share a consumer group ({@code baton.audit.group.id}), so partitions spread over
 * them. The group's committed offsets are only a progress report for monitoring (committed once the
 * lines are fsynced): where an instance starts in a partition comes from the partition's files,
 * read when the partition is assigned, and each partition folder is held under an OS file lock
 * while written. Instances that share a folder (one volume) hand partitions over seamlessly; an
 * instance with a folder of its own exports a partition it gets from its first record on.
 *
 * <p>Records are read {@code read_committed}: the topology writes events in transactions, so
 * aborted records never reach the files and offsets in the files have gaps where transaction
 * markers sit.
 *
 * <p>One thread polls and writes; {@link #close()} flushes, closes the open segments and leaves. A
 * partition whose files are damaged other than a torn last line is logged and left alone; an I/O
 * error stops the sink ({@link #stopped()} completes exceptionally).
 */
public final class AuditSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditSink.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final AuditSinkSettings settings;
  private final LongSupplier clock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final Map<Integer, Owned> owned = new HashMap<>();
  private final Set<TopicPartition> waitingForLock = new HashSet<>();
  private final Map<Integer, Long> committed = new HashMap<>();
  private volatile boolean closing;
  private volatile List<Integer> assigned = List.of();
  private volatile SinkStatus.Stall failed;
  // Partitions left alone because their newest segment is damaged; written by the sink thread.
  private final Map<Integer, SinkStatus.Stall> damaged =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record Owned(PartitionLog log, PartitionLock lock) {}

  private final SinkMetrics metrics;

  private AuditSink(AuditSinkSettings settings, LongSupplier clock, BatonMetrics metrics) {
    this.settings = settings;
    this.clock = clock;
    this.consumer = new KafkaConsumer<>(consumerProps(settings));
    this.thread = new Thread(this::run, "baton-audit-sink");
    this.metrics = metrics.sink("audit");
    metrics.bindConsumer(consumer);
    SinkStatus.measure(this.metrics, this::status);
  }

  /** Starts the sink of a Baton node. */
  public static AuditSink start(AppConfig config) {
    return start(config, BatonMetrics.none());
  }

  /** Starts the sink of a Baton node, recording into {@code metrics}. */
  public static AuditSink start(AppConfig config, BatonMetrics metrics) {
    return start(AuditSinkSettings.from(config), System::currentTimeMillis, metrics);
  }

  /** The sink of {@code baton up}, or null when {@code baton.audit.enabled} is false. */
  public static AuditSink startIfEnabled(AppConfig config) {
    return startIfEnabled(config, BatonMetrics.none());
  }

  /** As above, recording into {@code metrics}. */
  public static AuditSink startIfEnabled(AppConfig config, BatonMetrics metrics) {
    return Boolean.TRUE.equals(config.values().get(AppConfig.AUDIT_ENABLED))
        ? start(config, metrics)
        : null;
  }

  /** Starts a sink with explicit settings and clock (tests). */
  public static AuditSink start(AuditSinkSettings settings, LongSupplier clock) {
    return start(settings, clock, BatonMetrics.none());
  }

  /** As above, recording into {@code metrics}. */
  public static AuditSink start(
      AuditSinkSettings settings, LongSupplier clock, BatonMetrics metrics) {
    try {
      Files.createDirectories(settings.dir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the audit folder " + settings.dir(), e);
    }
    AuditSink sink = new AuditSink(settings, clock, metrics);
    sink.thread.start();
    LOG.info(
        "audit sink started: {} -> {} (group {})",
        settings.topic(),
        settings.dir().toAbsolutePath(),
        settings.groupId());
    return sink;
  }

  /** Completes when the sink thread ends: normally after {@link #close()}, else with its error. */
  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  public Path dir() {
    return settings.dir();
  }

  /**
   * How the sink is doing: its partitions, or where it stopped: its thread failed, or it leaves a
   * partition alone because the files of that partition are damaged (the lowest such partition is
   * named).
   */
  public SinkStatus status() {
    SinkStatus.Stall stall = failed;
    if (stall == null) {
      stall =
          damaged.entrySet().stream()
              .min(Map.Entry.comparingByKey())
              .map(Map.Entry::getValue)
              .orElse(null);
    }
    if (stall != null) {
      return new SinkStatus("audit", SinkStatus.State.STALLED, assigned, stall);
    }
    return SinkStatus.consuming("audit", assigned);
  }

  private void run() {
    Throwable failure = null;
    try {
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          continue;
        } catch (OffsetOutOfRangeException e) {
          outOfRange(e);
          continue;
        }
        write(records);
        retryLocks();
        for (Owned o : owned.values()) {
          o.log().tick();
        }
        commitDurable();
        measureLag();
      }
    } catch (Throwable t) {
      failure = t;
      failed =
          new SinkStatus.Stall(
              settings.topic(),
              -1,
              -1,
              "the sink stopped: " + t,
              1,
              FixedWidthTimes.format(Instant.now()));
      LOG.error("audit sink stopped: {}", t.toString(), t);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        LOG.warn("audit sink: error while leaving the group", e);
      }
      for (Integer partition : new ArrayList<>(owned.keySet())) {
        release(partition, true);
      }
      if (failure == null) {
        stopped.complete(null);
        LOG.info("audit sink stopped");
      } else {
        stopped.completeExceptionally(failure);
      }
    }
  }

  private void write(ConsumerRecords<byte[], byte[]> records) throws IOException {
    for (TopicPartition tp : records.partitions()) {
      Owned o = owned.get(tp.partition());
      if (o == null) {
        continue;
      }
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        o.log().append(r.offset(), r.timestamp(), key, r.value());
      }
    }
  }

  /** Each owned partition's lag behind its end, as far as fsynced lines go. */
  private void measureLag() {
    for (Owned o : owned.values()) {
      TopicPartition tp = new TopicPartition(settings.topic(), o.log().partition());
      OptionalLong behind = consumer.currentLag(tp);
      if (behind.isPresent()) {
        long position = consumer.position(tp);
        // All read lines durable: durable up to the position, which steps over commit markers.
        long durable = o.log().durableOffset();
        long next = o.log().nextOffset();
        long durableNext = next < 0 || durable + 1 == next ? position : durable + 1;
        metrics.lag(tp.partition(), position + behind.getAsLong(), durableNext);
      }
    }
  }

  private void outOfRange(OffsetOutOfRangeException e) {
    for (Map.Entry<TopicPartition, Long> gone : e.offsetOutOfRangePartitions().entrySet()) {
      LOG.error(
          "audit partition {}: the files end before offset {}, which Kafka no longer has (or the"
              + " topic was recreated): the audit trail has a gap there; going on from the oldest"
              + " offset Kafka has",
          gone.getKey().partition(),
          gone.getValue());
      consumer.seekToBeginning(List.of(gone.getKey()));
    }
  }

  private void commitDurable() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Owned o : owned.values()) {
      long durable = o.log().durableOffset();
      int p = o.log().partition();
      if (durable >= 0 && !Long.valueOf(durable).equals(committed.get(p))) {
        offsets.put(new TopicPartition(settings.topic(), p), new OffsetAndMetadata(durable + 1));
        committed.put(p, durable);
      }
    }
    if (!offsets.isEmpty()) {
      consumer.commitAsync(
          offsets,
          (done, e) -> {
            if (e != null) {
              LOG.debug("audit sink: progress commit failed (only monitoring uses it)", e);
            }
          });
    }
  }

  private void acquire(TopicPartition tp) throws IOException {
    int partition = tp.partition();
    Path dir = settings.dir().resolve(Integer.toString(partition));
    Files.createDirectories(dir);
    Optional<PartitionLock> lock = PartitionLock.tryAcquire(dir);
    if (lock.isEmpty()) {
      if (waitingForLock.add(tp)) {
        LOG.info("audit partition {}: waiting for another sink to release {}", partition, dir);
        consumer.pause(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
      }
      return;
    }
    waitingForLock.remove(tp);
    damaged.remove(partition);
    PartitionLog log;
    try {
      log = PartitionLog.open(partition, settings, clock, metrics);
    } catch (AuditCorruptionException e) {
      LOG.error("audit partition {} is not written: {}", partition, e.getMessage());
      damaged.put(
          partition,
          new SinkStatus.Stall(
              settings.topic(),
              partition,
              -1,
              "the partition's files are damaged and it is not written: " + e.getMessage(),
              1,
              FixedWidthTimes.format(Instant.now())));
      lock.get().close();
      consumer.pause(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      return;
    } catch (IOException | RuntimeException e) {
      lock.get().close();
      throw e;
    }
    owned.put(partition, new Owned(log, lock.get()));
    long next = log.nextOffset();
    if (next < 0) {
      consumer.seekToBeginning(List.of(tp));
    } else {
      consumer.seek(tp, next);
    }
    consumer.resume(List.of(tp));
  }

  private void retryLocks() throws IOException {
    for (TopicPartition tp : new ArrayList<>(waitingForLock)) {
      if (consumer.assignment().contains(tp)) {
        acquire(tp);
      } else {
        waitingForLock.remove(tp);
      }
    }
  }

  private void release(int partition, boolean seal) {
    waitingForLock.remove(new TopicPartition(settings.topic(), partition));
    committed.remove(partition);
    Owned o = owned.remove(partition);
    if (o == null) {
      return;
    }
    try {
      o.log().close(seal);
    } catch (IOException | RuntimeException e) {
      LOG.error("audit partition {}: cannot close the open segment", partition, e);
    } finally {
      try {
        o.lock().close();
      } catch (IOException e) {
        LOG.warn("audit partition {}: cannot release the folder lock", partition, e);
      }
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      updateAssigned();
      for (TopicPartition tp : partitions) {
        try {
          acquire(tp);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot open audit partition " + tp.partition(), e);
        }
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      partitions.forEach(tp -> damaged.remove(tp.partition()));
      partitions.forEach(tp -> release(tp.partition(), true));
      updateAssigned();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Another instance may own them now; it waits for the folder lock released here.
      partitions.forEach(tp -> damaged.remove(tp.partition()));
      partitions.forEach(tp -> release(tp.partition(), false));
      updateAssigned();
    }
  }

  private void updateAssigned() {
    assigned = consumer.assignment().stream().map(TopicPartition::partition).sorted().toList();
    metrics.assigned(Set.copyOf(assigned));
  }

  /** Stops polling, writes and closes every open segment, and leaves the group. */
  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(60).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("audit sink did not stop within 60 s");
    }
  }

  private static Properties consumerProps(AuditSinkSettings settings) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.putAll(settings.kafkaSecurity());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    if (settings.groupInstanceId() != null) {
      props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.groupInstanceId());
    }
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Positions come from the files; a partition without files is sought to its start.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }
}
