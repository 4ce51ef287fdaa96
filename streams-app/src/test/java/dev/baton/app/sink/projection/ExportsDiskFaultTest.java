package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.io.FaultyFileIo;
import dev.baton.app.io.FaultyFileIo.Op;
import dev.baton.app.sink.SinkStatus;
import dev.baton.app.sink.projection.checkpoint.CheckpointStore;
import dev.baton.app.sink.projection.export.Exports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Disk faults in the projection's exports (checkpoints, state.json) through the fault-injecting
 * file seam, over a real SQLite projection: FAULTED with the step and file, the previous version
 * kept, no half checkpoint, and the failed step done once the fault is cleared.
 */
class ExportsDiskFaultTest {
  private static final String TOPIC = "baton.events";

  @TempDir Path dir;

  private final FaultyFileIo io = new FaultyFileIo();

  private static void await(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " never happened");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /** Exports that write at once and checkpoint every 100 ms. */
  static Exports.Settings fastExports(Path exportDir) {
    return new Exports.Settings(
        exportDir,
        Duration.ofMillis(10),
        1,
        Duration.ofMillis(10),
        false,
        Duration.ofMillis(100),
        2,
        10);
  }

  private static void task(ProjectionDatabase db, Exports exports, String id, long offset)
      throws SQLException {
    ProjectionWriter.Applied applied =
        db.writer().apply(List.of(Rows.task(id, 1, 0, offset)), TOPIC, Map.of(0, offset + 1));
    exports.changed(applied);
  }

  @Test
  void shouldFaultOnAFailedCheckpointOrStateFileKeepThePreviousVersionAndRetryTheStep()
      throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("baton.db");
    Path exportDir = dir.resolve("export");
    CheckpointStore store = new CheckpointStore(exportDir.resolve("checkpoints"));
    try (ProjectionDatabase db = ProjectionDatabase.open(url)) {
      Exports exports = Exports.start(fastExports(exportDir), url, io);
      try {
        task(db, exports, "t-0", 0);
        await("a first checkpoint", () -> !store.manifests().isEmpty());

        // A checkpoint whose data file cannot be fsynced.
        io.failAlways(Op.FORCE, FaultyFileIo.EIO, p -> p.toString().contains("checkpoints"));
        await(
            "a checkpoint fault retried",
            () -> exports.fault() != null && exports.fault().attempts() >= 2);
        SinkStatus.Fault fault = exports.fault();
        assertThat(fault.operation()).isEqualTo("checkpoint");
        assertThat(fault.path()).endsWith("checkpoints");
        assertThat(fault.error()).contains(FaultyFileIo.EIO);
        int before = store.manifests().size();
        assertThat(store.list()).allMatch(CheckpointStore.Entry::ok);
        try (var files = Files.list(store.dir())) {
          assertThat(files.map(f -> f.getFileName().toString()))
              .as("no temp file left")
              .noneMatch(n -> n.endsWith(".tmp"));
        }

        io.clear();
        await("the checkpoint fault ends", () -> exports.fault() == null);
        assertThat(store.manifests().size()).isGreaterThan(before);
        assertThat(store.list()).allMatch(CheckpointStore.Entry::ok);

        // state.json cannot be renamed into place (a full disk during the rename).
        Path state = exportDir.resolve("state.json");
        io.failAlways(Op.MOVE, FaultyFileIo.ENOSPC, p -> p.endsWith("state.json"));
        task(db, exports, "t-1", 1);
        await("a state.json fault", () -> exports.fault() != null);
        assertThat(exports.fault().operation()).isEqualTo("state.json");
        assertThat(exports.fault().path()).isEqualTo(state.toAbsolutePath().toString());
        assertThat(Files.readString(state)).contains("t-0").doesNotContain("t-1");

        io.clear();
        await("the state.json fault ends", () -> exports.fault() == null);
        await("state.json with t-1", () -> readQuietly(state).contains("t-1"));
        assertThat(exports.faults()).isEqualTo(2);
      } finally {
        exports.close();
      }
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  void shouldTellADiskFaultFromARefusedRow() {
    assertThat(ProjectionSink.isDiskFault(new SQLiteException("full", SQLiteErrorCode.SQLITE_FULL)))
        .isTrue();
    assertThat(
            ProjectionSink.isDiskFault(
                new SQLiteException("fsync", SQLiteErrorCode.SQLITE_IOERR_FSYNC)))
        .isTrue();
    assertThat(ProjectionSink.isDiskFault(new SQLException("disk full", "53100"))).isTrue();
    assertThat(ProjectionSink.isDiskFault(new SQLException("io", "58030"))).isTrue();
    assertThat(
            ProjectionSink.isDiskFault(
                new SQLiteException("constraint", SQLiteErrorCode.SQLITE_CONSTRAINT)))
        .isFalse();
    assertThat(ProjectionSink.isDiskFault(new SQLException("poison row refused", "P0001")))
        .isFalse();
    assertThat(
            ProjectionSink.isDiskFault(
                new RuntimeException(new SQLiteException("full", SQLiteErrorCode.SQLITE_FULL))))
        .isTrue();
  }
}
