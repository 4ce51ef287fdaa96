package dev.baton.app.sink.projection.export;

import dev.baton.app.io.DurableFiles;
import dev.baton.app.metrics.SinkMetrics;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.ProjectionReader;
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

  private Exports(Settings settings, ProjectionDatabase db, SinkMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.db = db;
    this.checkpoints = new CheckpointStore(settings.exportDir().resolve("checkpoints"));
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
    return start(settings, jdbcUrl, SinkMetrics.none("projection"));
  }

  /** As above, timing checkpoints in {@code metrics}. */
  public static Exports start(Settings settings, String jdbcUrl, SinkMetrics metrics)
      throws Exception {
    ProjectionDatabase db = ProjectionDatabase.openReadOnly(jdbcUrl);
    Exports exports = new Exports(settings, db, metrics);
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

  private void tick() {
    try {
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
      if (decisions) {
        writeDecisions(db, settings.exportDir());
      }
      if (state) {
        StateJson.write(db, settings.exportDir().resolve("state.json"), settings.statePretty());
      }
      Duration interval = settings.checkpointInterval();
      if (!interval.isZero() && now - lastCheckpointNanos >= interval.toNanos()) {
        lastCheckpointNanos = now;
        boolean full = checkpointsSinceFull + 1 >= settings.checkpointFullEvery();
        long started = System.nanoTime();
        CheckpointManifest m = checkpoints.create(db, full);
        metrics.checkpointed(m.isFull(), System.nanoTime() - started);
        checkpointsSinceFull = m.isFull() ? 0 : checkpointsSinceFull + 1;
        checkpoints.retain(settings.checkpointRetainFull());
      }
    } catch (Exception e) {
      // The next tick tries again; the projection itself is unaffected.
      LOG.warn("projection export failed; retrying", e);
      synchronized (lock) {
        decisionsDirty = true;
        pendingStateChanges = Math.max(pendingStateChanges, 1);
      }
    }
  }

  /** Regenerates {@code <exportDir>/decisions.md} from the projection. */
  public static void writeDecisions(ProjectionDatabase db, Path exportDir) throws Exception {
    byte[] doc;
    try (ProjectionReader reader = db.snapshot()) {
      List<String> topics = reader.topics();
      doc =
          DecisionsMarkdown.render(
              reader.all(RowKind.DECISION), topics.isEmpty() ? null : topics.get(0));
    }
    DurableFiles.write(exportDir.resolve("decisions.md"), doc);
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
