package dev.baton.app.sink.projection.export;

import dev.baton.app.io.DurableFiles;
import dev.baton.app.io.FileIo;
import dev.baton.app.metrics.SinkMetrics;
import dev.baton.app.sink.DiskFault;
import dev.baton.app.sink.SinkStatus;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.ProjectionReader;
import dev.baton.app.sink.projection.ProjectionSink;
import dev.baton.app.sink.projection.ProjectionWriter;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.app.sink.projection.checkpoint.CheckpointManifest;
import dev.baton.app.sink.projection.checkpoint.CheckpointStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the files derived from the projection up to date, on one background thread with its own
 * read connection:
 *
 * <ul>
 *   <li>{@code decisions.md}: regenerated once no decision has arrived for the debounce time;
 *   <li>{@code state.json}: replaced once enough task and lock changes are pending, or the oldest
 *       pending one is old enough;
 *   <li>checkpoints: on a schedule, every n-th one full, followed by retention.
 * </ul>
 *
 * Both files are written once at start, so they exist even before the first change.
 *
 * <p>A disk fault (a full disk, an I/O error, a failed fsync) while writing one of them leaves the
 * previous version in place (every file is replaced atomically, and a failed checkpoint leaves no
 * manifest) and makes the exports FAULTED ({@link #fault()}): the step that failed is tried again,
 * with backoff ({@link DiskFault}), and the fault ends when it succeeds. The files are rewritten
 * whole from the projection, so nothing written after the fault is missing from them afterwards.
 */
public final class Exports implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Exports.class);
  private static final long TICK_MS = 100;

  /**
   * When to write what.
   *
   * @param checkpointInterval zero turns scheduled checkpoints off
   */
  public record Settings(
      Path exportDir,
      Duration decisionsDebounce,
      long stateMaxChanges,
      Duration stateMaxDelay,
      boolean statePretty,
      Duration checkpointInterval,
      int checkpointFullEvery,
      int checkpointRetainFull) {}

  private final Settings settings;
  private final ProjectionDatabase db;
  private final CheckpointStore checkpoints;
  private final ScheduledExecutorService timer;
  private final FileIo io;
  // The export thread's disk fault, and what the sink's status shows of it.
  private DiskFault fault;
  private volatile SinkStatus.Fault faultView;
  private volatile long faults;
  private boolean checkpointRetry;
  private boolean failedThisTick;

  private final Object lock = new Object();
  // Both files are written at the first tick, whatever changed.
  private boolean initialWrite = true;
  private boolean decisionsDirty = true;
  private long lastDecisionNanos;
  private long pendingStateChanges = 1;
  private long firstPendingNanos;
  private long lastCheckpointNanos;
  private int checkpointsSinceFull;

  private final SinkMetrics metrics;

  private Exports(Settings settings, ProjectionDatabase db, FileIo io, SinkMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.db = db;
    this.io = io;
    this.checkpoints = new CheckpointStore(settings.exportDir().resolve("checkpoints"), io);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-projection-exports");
              t.setDaemon(true);
              return t;
            });
    this.lastCheckpointNanos = System.nanoTime();
    initCheckpointSchedule();
  }

  /** Starts the export thread over a read connection to {@code jdbcUrl}. */
  public static Exports start(Settings settings, String jdbcUrl) throws Exception {
    return start(settings, jdbcUrl, FileIo.SYSTEM, SinkMetrics.none("projection"));
  }

  /** {@link #start(Settings, String)} writing through {@code io} (tests inject disk faults). */
  public static Exports start(Settings settings, String jdbcUrl, FileIo io) throws Exception {
    return start(settings, jdbcUrl, io, SinkMetrics.none("projection"));
  }

  /** As above, timing checkpoints in {@code metrics}. */
  public static Exports start(Settings settings, String jdbcUrl, SinkMetrics metrics)
      throws Exception {
    return start(settings, jdbcUrl, FileIo.SYSTEM, metrics);
  }

  /** Writing through {@code io} and timing checkpoints in {@code metrics}. */
  public static Exports start(Settings settings, String jdbcUrl, FileIo io, SinkMetrics metrics)
      throws Exception {
    ProjectionDatabase db = ProjectionDatabase.openReadOnly(jdbcUrl);
    Exports exports = new Exports(settings, db, io, metrics);
    exports.timer.scheduleWithFixedDelay(exports::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    return exports;
  }

  /** Tells the exports what a committed batch changed (called by the sink thread). */
  public void changed(ProjectionWriter.Applied applied) {
    long now = System.nanoTime();
    synchronized (lock) {
      if (applied.decisions() > 0) {
        decisionsDirty = true;
        lastDecisionNanos = now;
      }
      long changes = applied.tasks() + applied.locks();
      if (changes > 0) {
        if (pendingStateChanges == 0) {
          firstPendingNanos = now;
        }
        pendingStateChanges += changes;
      }
    }
  }

  private void initCheckpointSchedule() {
    List<CheckpointManifest> existing = checkpoints.manifests();
    if (existing.isEmpty()) {
      return;
    }
    CheckpointManifest newest = existing.get(existing.size() - 1);
    long ageNanos = Duration.between(newest.createdAt(), Instant.now()).toNanos();
    lastCheckpointNanos = System.nanoTime() - Math.max(0, ageNanos);
    for (int i = existing.size() - 1; i >= 0 && !existing.get(i).isFull(); i--) {
      checkpointsSinceFull++;
    }
  }

  /** The disk fault the exports wait out, or null. */
  public SinkStatus.Fault fault() {
    return faultView;
  }

  /** Disk faults of the exports since start. */
  public long faults() {
    return faults;
  }

  /** One export step, which may fail. */
  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private void tick() {
    long nowMs = System.currentTimeMillis();
    if (fault != null && !fault.due(nowMs)) {
      return;
    }
    long now = System.nanoTime();
    boolean decisions;
    boolean state;
    synchronized (lock) {
      decisions =
          decisionsDirty
              && (initialWrite
                  || now - lastDecisionNanos >= settings.decisionsDebounce().toNanos());
      state =
          pendingStateChanges > 0
              && (initialWrite
                  || pendingStateChanges >= settings.stateMaxChanges()
                  || now - firstPendingNanos >= settings.stateMaxDelay().toNanos());
      initialWrite = false;
      if (decisions) {
        decisionsDirty = false;
      }
      if (state) {
        pendingStateChanges = 0;
      }
    }
    Duration interval = settings.checkpointInterval();
    boolean checkpoint =
        !interval.isZero() && (checkpointRetry || now - lastCheckpointNanos >= interval.toNanos());
    // Each step on its own: one file that cannot be written does not hold back the others. The
    // first step that fails in a tick is the one reported (one attempt per tick).
    failedThisTick = false;
    boolean ok = true;
    if (decisions) {
      Path file = settings.exportDir().resolve("decisions.md");
      ok &=
          attempt(
              "decisions.md",
              file,
              nowMs,
              () -> writeDecisions(db, settings.exportDir(), io),
              () -> decisionsDirty = true);
    }
    if (state) {
      Path file = settings.exportDir().resolve("state.json");
      ok &=
          attempt(
              "state.json",
              file,
              nowMs,
              () -> StateJson.write(db, file, settings.statePretty(), io),
              () -> pendingStateChanges = Math.max(pendingStateChanges, 1));
    }
    if (checkpoint) {
      lastCheckpointNanos = now;
      checkpointRetry = false;
      ok &=
          attempt(
              "checkpoint",
              checkpoints.dir(),
              nowMs,
              () -> {
                boolean full = checkpointsSinceFull + 1 >= settings.checkpointFullEvery();
                long started = System.nanoTime();
                CheckpointManifest m = checkpoints.create(db, full);
                metrics.checkpointed(m.isFull(), System.nanoTime() - started);
                checkpointsSinceFull = m.isFull() ? 0 : checkpointsSinceFull + 1;
                checkpoints.retain(settings.checkpointRetainFull());
              },
              () -> checkpointRetry = true);
    }
    if (ok && fault != null && (decisions || state || checkpoint)) {
      LOG.info(
          "projection exports resumed after {} attempts ({} s faulted)",
          fault.attempts(),
          (nowMs - fault.sinceMs()) / 1000);
      fault = null;
      faultView = null;
    }
  }

  /**
   * Runs one step; on a failure marks it to be done again ({@code redo}) and, for a disk fault,
   * records the fault (the next tick comes after the backoff).
   *
   * @return whether the step succeeded
   */
  private boolean attempt(String step, Path path, long nowMs, Step work, Runnable redo) {
    try {
      work.run();
      return true;
    } catch (Exception e) {
      boolean disk = e instanceof java.io.IOException || ProjectionSink.isDiskFault(e);
      if (disk || !step.equals("checkpoint")) {
        // Not a disk fault: a checkpoint comes again on schedule, a file at the next tick.
        synchronized (lock) {
          redo.run();
        }
      }
      if (!disk) {
        LOG.warn("projection export of {} failed; retrying", step, e);
        return true;
      }
      if (failedThisTick) {
        LOG.debug("projection export of {} failed too", step, e);
        return false;
      }
      failedThisTick = true;
      if (fault == null) {
        fault = new DiskFault(step, path, e, nowMs);
        faults++;
        LOG.error(
            "projection exports FAULTED: writing {} failed ({}); the previous version stays;"
                + " retrying, backing off to {} ms",
            path,
            fault.error(),
            DiskFault.MAX_BACKOFF_MS,
            e);
      } else if (fault.failedAgain(step, path, e, nowMs)) {
        LOG.error(
            "projection exports still FAULTED after {} attempts: {} ({})",
            fault.attempts(),
            path,
            fault.error());
      }
      faultView = fault.view(List.of());
      return false;
    }
  }

  /** Regenerates {@code <exportDir>/decisions.md} from the projection. */
  public static void writeDecisions(ProjectionDatabase db, Path exportDir) throws Exception {
    writeDecisions(db, exportDir, FileIo.SYSTEM);
  }

  private static void writeDecisions(ProjectionDatabase db, Path exportDir, FileIo io)
      throws Exception {
    byte[] doc;
    try (ProjectionReader reader = db.snapshot()) {
      List<String> topics = reader.topics();
      doc =
          DecisionsMarkdown.render(
              reader.all(RowKind.DECISION), topics.isEmpty() ? null : topics.get(0));
    }
    DurableFiles.write(io, exportDir.resolve("decisions.md"), doc);
  }

  /** Writes pending exports once more and stops. */
  @Override
  public void close() {
    timer.shutdown();
    try {
      if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
      boolean decisions;
      boolean state;
      synchronized (lock) {
        decisions = decisionsDirty;
        state = pendingStateChanges > 0;
      }
      if (decisions) {
        writeDecisions(db, settings.exportDir());
      }
      if (state) {
        StateJson.write(db, settings.exportDir().resolve("state.json"), settings.statePretty());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("final projection export failed", e);
    } finally {
      try {
        db.close();
      } catch (Exception e) {
        LOG.warn("cannot close the export connection", e);
      }
    }
  }
}
