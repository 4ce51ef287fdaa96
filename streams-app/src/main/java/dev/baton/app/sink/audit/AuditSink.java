package dev.baton.app.sink.audit;

import dev.baton.app.config.AppConfig;
import dev.baton.app.io.DurableFiles;
import dev.baton.app.io.FileIo;
import dev.baton.app.io.FixedWidthTimes;
import dev.baton.app.metrics.BatonMetrics;
import dev.baton.app.metrics.SinkMetrics;
import dev.baton.app.sink.ConsumerFault;
import dev.baton.app.sink.DiskFault;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
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
 * partition whose files are damaged other than a torn last line is logged and left alone.
 *
 * <p>A disk fault (a write, fsync, rename or file creation that fails: a full disk, an I/O error)
 * faults the partition it happened in: the partition is paused, its progress report stays at the
 * last fsynced line, and the open segment is cut back to the bytes the last successful fsync
 * covered (never fsynced again on the failed channel: see {@link PartitionLog#discardUndurable}).
 * The sink is {@link SinkStatus.State#FAULTED} while any partition is, and retries with backoff
 * ({@link DiskFault}); once the partition opens again it consumes from the line after its last
 * durable one, so the chain goes on without a gap or a duplicate.
 *
 * <p>A failure of the Kafka consumer itself (its static membership fenced, an error from JoinGroup
 * or SyncGroup after a broker restart, a failed commit: see {@link ConsumerFault#recoverable})
 * makes the sink {@link SinkStatus.State#FAULTED}: it closes the consumer, releases its partitions
 * (their lines written and fsynced, their locks released), waits a backoff and consumes again with
 * a new consumer, which seeks each partition it is assigned to the line after the last one in the
 * files as at start-up. Any other exception stops the sink.
 */
public final class AuditSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditSink.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final AuditSinkSettings settings;
  private final LongSupplier clock;
  private final FileIo io;
  private final BatonMetrics batonMetrics;
  // Replaced by a new one when it fails (ConsumerFault); null between the two. The sink thread's,
  // read by close() to wake it.
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private AutoCloseable consumerMetrics;
  private final ConsumerFault consumerFault = new ConsumerFault("audit", LOG);
  private final CountDownLatch closeRequested = new CountDownLatch(1);
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
  // Partitions stopped by a disk fault, with what is left to clean up; the sink thread's.
  private final java.util.TreeMap<Integer, Faulted> faulted = new java.util.TreeMap<>();
  // What status() shows of them: published by the sink thread.
  private volatile SinkStatus.Fault fault;
  private volatile long faults;

  private record Owned(PartitionLog log, PartitionLock lock) {}

  /**
   * A partition that resumed after a fault and has not yet made a new line durable: if it faults
   * again meanwhile, that is the same fault going on (its attempts go on, it is not counted again).
   */
  private record Recovering(DiskFault fault, long resumedAfter, long resumedAtMs) {}

  private static final long RECOVERY_MS = 60_000;
  private final Map<Integer, Recovering> recovering = new HashMap<>();

  /**
   * A partition stopped by a disk fault.
   *
   * @param log the failed log whose undurable tail is still to be discarded, or null when done
   * @param lock the partition folder's lock, or null when it is not held
   */
  private static final class Faulted {
    final DiskFault fault;
    PartitionLog log;
    PartitionLock lock;

    Faulted(DiskFault fault, PartitionLog log, PartitionLock lock) {
      this.fault = fault;
      this.log = log;
      this.lock = lock;
    }
  }

  private final SinkMetrics metrics;

  private AuditSink(
      AuditSinkSettings settings, LongSupplier clock, FileIo io, BatonMetrics metrics) {
    this.settings = settings;
    this.clock = clock;
    this.io = io;
    this.batonMetrics = metrics;
    this.consumer = newConsumer();
    this.thread = new Thread(this::run, "baton-audit-sink");
    this.metrics = metrics.sink("audit");
    SinkStatus.measure(this.metrics, this::status);
  }

  private KafkaConsumer<byte[], byte[]> newConsumer() {
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(settings));
    consumerMetrics = batonMetrics.bindConsumer(c);
    return c;
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
    return start(settings, clock, FileIo.SYSTEM, BatonMetrics.none());
  }

  /** Starts a sink that writes through {@code io} (tests inject disk faults there). */
  public static AuditSink start(AuditSinkSettings settings, LongSupplier clock, FileIo io) {
    return start(settings, clock, io, BatonMetrics.none());
  }

  /** As above, recording into {@code metrics}. */
  public static AuditSink start(
      AuditSinkSettings settings, LongSupplier clock, BatonMetrics metrics) {
    return start(settings, clock, FileIo.SYSTEM, metrics);
  }

  /** Starts a sink that writes through {@code io}, recording into {@code metrics}. */
  public static AuditSink start(
      AuditSinkSettings settings, LongSupplier clock, FileIo io, BatonMetrics metrics) {
    try {
      Files.createDirectories(settings.dir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the audit folder " + settings.dir(), e);
    }
    AuditSink sink = new AuditSink(settings, clock, io, metrics);
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
   * Disk faults and faults of its Kafka consumer since start, each counted once however often it
   * was retried (for metrics).
   */
  public long faults() {
    return faults;
  }

  /**
   * How the sink is doing: its partitions, or where it stopped: its thread failed, its Kafka
   * consumer failed (it consumes again with a new one), a disk fault stopped partitions (it
   * retries), or it leaves a partition alone because the files of that partition are damaged (the
   * lowest such partition is named).
   */
  public SinkStatus status() {
    SinkStatus.Stall stall = failed;
    SinkStatus.Fault current = consumerFault.view();
    if (current == null) {
      current = fault;
    }
    if (stall == null && current != null) {
      return new SinkStatus("audit", SinkStatus.State.FAULTED, assigned, null, current, faults);
    }
    if (stall == null) {
      stall =
          damaged.entrySet().stream()
              .min(Map.Entry.comparingByKey())
              .map(Map.Entry::getValue)
              .orElse(null);
    }
    if (stall != null) {
      return new SinkStatus("audit", SinkStatus.State.STALLED, assigned, stall, null, faults);
    }
    return SinkStatus.consuming("audit", assigned, faults);
  }

  private void run() {
    Throwable failure = null;
    try {
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      while (!closing) {
        try {
          if (consumer == null) {
            consumer = newConsumer();
            consumer.subscribe(List.of(settings.topic()), new Rebalance());
          }
          consumeOnce();
        } catch (WakeupException e) {
          // close(): the loop ends.
        } catch (KafkaException e) {
          if (!ConsumerFault.recoverable(e)) {
            throw e;
          }
          if (!dropConsumer(e)) {
            break;
          }
        }
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
      closeConsumer(Duration.ofSeconds(10));
      releaseAll(true);
      if (failure == null) {
        stopped.complete(null);
        LOG.info("audit sink stopped");
      } else {
        stopped.completeExceptionally(failure);
      }
    }
  }

  private void consumeOnce() {
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(POLL);
    } catch (WakeupException e) {
      return;
    } catch (OffsetOutOfRangeException e) {
      outOfRange(e);
      return;
    }
    write(records);
    retryLocks();
    for (Owned o : new ArrayList<>(owned.values())) {
      try {
        o.log().tick();
      } catch (IOException e) {
        fault(o, e);
      }
    }
    commitDurable();
    retryFaulted();
    endRecoveries();
    measureLag();
  }

  /**
   * The consumer failed with {@code e}, from which a new one recovers: reports the fault, closes
   * the consumer (a static member stays in the group), releases every partition it had (lines
   * written and fsynced, open segments left open, locks released, as when partitions are lost) and
   * waits the backoff. The loop then makes a new consumer, whose assignment reopens the partitions
   * from their files.
   *
   * @return false when the sink is closing
   */
  private boolean dropConsumer(KafkaException e) {
    if (consumerFault.failed(e, assigned)) {
      faults++;
    }
    closeConsumer(Duration.ofSeconds(5));
    releaseAll(false);
    damaged.clear();
    assigned = List.of();
    metrics.assigned(Set.of());
    try {
      return !closeRequested.await(consumerFault.backoffMs(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Closes the consumer, if there is one (its rebalance callbacks may release partitions). */
  private void closeConsumer(Duration timeout) {
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      try {
        // Its rebalance callbacks (run by close) still read it.
        ConsumerFault.close(c, consumerMetrics, timeout, LOG);
      } finally {
        consumer = null;
      }
    }
  }

  /** Releases every partition the sink holds: owned, faulted or waiting for its lock. */
  private void releaseAll(boolean seal) {
    for (Integer partition : new ArrayList<>(owned.keySet())) {
      release(partition, seal);
    }
    for (Integer partition : new ArrayList<>(faulted.keySet())) {
      release(partition, seal);
    }
    waitingForLock.clear();
  }

  private void write(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      Owned o = owned.get(tp.partition());
      if (o == null) {
        continue;
      }
      try {
        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
          String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
          o.log().append(r.offset(), r.timestamp(), key, r.value());
        }
      } catch (IOException e) {
        // The rest of the batch is fetched again from the last durable line on recovery.
        fault(o, e);
      }
    }
  }

  /** A disk fault in an owned partition: stop it, keep its lock, discard what is not durable. */
  private void fault(Owned o, IOException e) {
    int partition = o.log().partition();
    owned.remove(partition);
    TopicPartition tp = new TopicPartition(settings.topic(), partition);
    consumer.pause(List.of(tp));
    long now = System.currentTimeMillis();
    Recovering r = recovering.remove(partition);
    if (r != null) {
      r.fault().failedAgain(o.log().failedStep(), o.log().failedPath(), e, now);
      faulted.put(partition, new Faulted(r.fault(), o.log(), o.lock()));
      discard(faulted.get(partition));
      publishFault();
      return;
    }
    DiskFault df = new DiskFault(o.log().failedStep(), o.log().failedPath(), e, now);
    faulted.put(partition, new Faulted(df, o.log(), o.lock()));
    faults++;
    LOG.error(
        "audit partition {} FAULTED: {} of {} failed ({}); the partition is paused, nothing after"
            + " offset {} counts as written; discarding what was not fsynced and retrying, backing"
            + " off to {} ms",
        partition,
        df.operation(),
        df.path(),
        df.error(),
        o.log().durableOffset(),
        DiskFault.MAX_BACKOFF_MS,
        e);
    discard(faulted.get(partition));
    publishFault();
  }

  /** A disk fault while opening a partition (no log yet, lock not held). */
  private void faultOnOpen(TopicPartition tp, String step, Path path, IOException e) {
    if (e instanceof PartitionLog.OpenFailed failure) {
      step = failure.step;
      path = failure.path;
    }
    consumer.pause(List.of(tp));
    long now = System.currentTimeMillis();
    Faulted f = faulted.get(tp.partition());
    if (f == null) {
      DiskFault df = new DiskFault(step, path, e, now);
      faulted.put(tp.partition(), new Faulted(df, null, null));
      faults++;
      LOG.error(
          "audit partition {} FAULTED: cannot open it: {} of {} failed ({}); retrying, backing"
              + " off to {} ms",
          tp.partition(),
          step,
          df.path(),
          df.error(),
          DiskFault.MAX_BACKOFF_MS,
          e);
    } else if (f.fault.failedAgain(step, path, e, now)) {
      LOG.error(
          "audit partition {} still FAULTED after {} attempts: {} of {} failed ({})",
          tp.partition(),
          f.fault.attempts(),
          step,
          f.fault.path(),
          f.fault.error());
    }
    publishFault();
  }

  /** Cuts the failed log back to its durable bytes; true once done. */
  private boolean discard(Faulted f) {
    if (f.log == null) {
      return true;
    }
    try {
      f.log.discardUndurable();
      f.log = null;
      return true;
    } catch (IOException e) {
      if (f.fault.failedAgain(
          f.log.failedStep(), f.log.failedPath(), e, System.currentTimeMillis())) {
        LOG.error(
            "audit partition {} still FAULTED after {} attempts: {} of {} failed ({})",
            f.log.partition(),
            f.fault.attempts(),
            f.fault.operation(),
            f.fault.path(),
            f.fault.error());
      }
      return false;
    }
  }

  /** Tries the faulted partitions whose retry is due: discard, reopen, seek, resume. */
  private void retryFaulted() {
    if (faulted.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    for (Map.Entry<Integer, Faulted> e : new ArrayList<>(faulted.entrySet())) {
      Faulted f = e.getValue();
      if (!f.fault.due(now) || !discard(f)) {
        continue;
      }
      int partition = e.getKey();
      TopicPartition tp = new TopicPartition(settings.topic(), partition);
      if (!consumer.assignment().contains(tp)) {
        release(partition, false);
        continue;
      }
      Path dir = settings.dir().resolve(Integer.toString(partition));
      try {
        DurableFiles.probe(io, dir);
      } catch (IOException ex) {
        if (f.fault.failedAgain("probe", dir.resolve(DurableFiles.PROBE_FILE), ex, now)) {
          LOG.error(
              "audit partition {} still FAULTED after {} attempts: {} takes no write ({})",
              partition,
              f.fault.attempts(),
              dir,
              f.fault.error());
        }
        continue;
      }
      PartitionLock lock = f.lock;
      f.lock = null;
      try {
        if (lock == null) {
          acquire(tp);
        } else {
          openLog(tp, lock);
        }
      } catch (IOException ex) {
        // openLog released the lock: it is taken again on the next attempt.
        consumer.pause(List.of(tp));
        String step = "open";
        Path path = settings.dir().resolve(Integer.toString(partition));
        if (ex instanceof PartitionLog.OpenFailed failure) {
          step = failure.step;
          path = failure.path;
        }
        if (f.fault.failedAgain(step, path, ex, System.currentTimeMillis())) {
          LOG.error(
              "audit partition {} still FAULTED after {} attempts: cannot open it ({})",
              partition,
              f.fault.attempts(),
              f.fault.error());
        }
        continue;
      }
      Owned o = owned.get(partition);
      if (o != null) {
        faulted.remove(partition);
        recovering.put(partition, new Recovering(f.fault, o.log().nextOffset() - 1, now));
        LOG.info(
            "audit partition {} resumed after {} attempts ({} s faulted): writing again after"
                + " offset {}",
            partition,
            f.fault.attempts(),
            (now - f.fault.sinceMs()) / 1000,
            o.log().nextOffset() - 1);
      } else if (waitingForLock.contains(tp) || damaged.containsKey(partition)) {
        faulted.remove(partition);
      }
    }
    publishFault();
  }

  /** Forgets resumed faults once new lines are durable (or after a while). */
  private void endRecoveries() {
    if (recovering.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    recovering
        .entrySet()
        .removeIf(
            e -> {
              Owned o = owned.get(e.getKey());
              return o == null
                  || o.log().durableOffset() > e.getValue().resumedAfter()
                  || now - e.getValue().resumedAtMs() >= RECOVERY_MS;
            });
  }

  private void publishFault() {
    if (faulted.isEmpty()) {
      fault = null;
      return;
    }
    Faulted first = faulted.firstEntry().getValue();
    fault = first.fault.view(List.copyOf(faulted.keySet()));
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
    Optional<PartitionLock> lock;
    try {
      Files.createDirectories(dir);
      lock = PartitionLock.tryAcquire(dir);
    } catch (IOException e) {
      waitingForLock.remove(tp);
      long now = System.currentTimeMillis();
      Faulted f = faulted.get(partition);
      if (f == null) {
        faulted.put(partition, new Faulted(new DiskFault("lock", dir, e, now), null, null));
        faults++;
        LOG.error("audit partition {} FAULTED: cannot lock {} ({})", partition, dir, e.toString());
      } else if (f.fault.failedAgain("lock", dir, e, now)) {
        LOG.error(
            "audit partition {} still FAULTED after {} attempts: cannot lock {} ({})",
            partition,
            f.fault.attempts(),
            dir,
            e.toString());
      }
      consumer.pause(List.of(tp));
      publishFault();
      return;
    }
    if (lock.isEmpty()) {
      if (waitingForLock.add(tp)) {
        LOG.info("audit partition {}: waiting for another sink to release {}", partition, dir);
        consumer.pause(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
      }
      return;
    }
    waitingForLock.remove(tp);
    openLog(tp, lock.get());
  }

  /**
   * Opens a locked partition and seeks to the line after its last one; on a disk fault the
   * partition is faulted and the lock released.
   */
  private void openLog(TopicPartition tp, PartitionLock held) throws IOException {
    int partition = tp.partition();
    Optional<PartitionLock> lock = Optional.of(held);
    damaged.remove(partition);
    PartitionLog log;
    try {
      log = PartitionLog.open(partition, settings, clock, io, metrics);
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
    } catch (IOException e) {
      closeQuietly(lock.get());
      throw e;
    } catch (RuntimeException e) {
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

  private static void closeQuietly(PartitionLock lock) {
    try {
      lock.close();
    } catch (IOException e) {
      LOG.debug("cannot release a partition lock", e);
    }
  }

  private void retryLocks() {
    for (TopicPartition tp : new ArrayList<>(waitingForLock)) {
      if (consumer.assignment().contains(tp)) {
        try {
          acquire(tp);
        } catch (IOException e) {
          faultOnOpen(tp, "open", settings.dir().resolve(Integer.toString(tp.partition())), e);
        }
      } else {
        waitingForLock.remove(tp);
      }
    }
  }

  private void release(int partition, boolean seal) {
    recovering.remove(partition);
    waitingForLock.remove(new TopicPartition(settings.topic(), partition));
    committed.remove(partition);
    Faulted f = faulted.remove(partition);
    if (f != null) {
      if (!discard(f)) {
        LOG.warn(
            "audit partition {} given up while FAULTED: its open segment may end in lines that"
                + " were never fsynced; the next owner cuts a torn tail, but cannot tell lines the"
                + " device lost: run baton audit verify",
            partition);
      }
      if (f.lock != null) {
        closeQuietly(f.lock);
      }
      publishFault();
    }
    Owned o = owned.remove(partition);
    if (o == null) {
      return;
    }
    try {
      o.log().close(seal);
    } catch (IOException | RuntimeException e) {
      LOG.error("audit partition {}: cannot close the open segment", partition, e);
      try {
        o.log().discardUndurable();
      } catch (IOException again) {
        LOG.error(
            "audit partition {}: cannot cut the open segment back to its last fsynced line ({});"
                + " the next owner cuts a torn tail, but cannot tell lines the device lost: run"
                + " baton audit verify",
            partition,
            again.toString());
      }
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
      consumerFault.recovered();
      updateAssigned();
      for (TopicPartition tp : partitions) {
        try {
          acquire(tp);
        } catch (IOException e) {
          faultOnOpen(tp, "open", settings.dir().resolve(Integer.toString(tp.partition())), e);
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
    closeRequested.countDown();
    ConsumerFault.wakeup(consumer, LOG);
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
