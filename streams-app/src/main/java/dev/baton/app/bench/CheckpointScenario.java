package dev.baton.app.bench;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.app.sink.projection.checkpoint.CheckpointManifest;
import dev.baton.app.sink.projection.checkpoint.CheckpointRestore;
import dev.baton.app.sink.projection.checkpoint.CheckpointStore;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Task;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code checkpoint}: checkpoints of a SQLite projection holding N tasks (default 1M): a full
 * checkpoint ({@code create_s}, {@code bytes}), its restore into a new projection ({@code
 * restore_s}), and an incremental checkpoint after 1 % of the tasks changed ({@code
 * incremental_bytes}). Baseline in the same run: zstd level 1 compressing and decompressing, in
 * memory, the same bytes the full checkpoint holds (its rows as JSON lines).
 */
public final class CheckpointScenario implements Scenario {
  private static final String TOPIC = "baton.events";
  private static final int PARTITIONS = 6;
  private static final int BATCH = 10_000;

  @Override
  public String name() {
    return "checkpoint";
  }

  @Override
  public BenchResult run(BenchEnvironment env) throws Exception {
    int tasks = BenchOptions.pick(env.options().tasks(), env.quick(), 20_000, 1_000_000);
    int changed = Math.max(1, tasks / 100);
    BenchResult result = new BenchResult(name());
    env.describe(result, false);
    result.config("tasks", tasks);
    result.config("changed_tasks", changed);
    result.config("projection", "SQLite (the default projection database)");
    Path dir = env.scratch("checkpoint");
    String url = "jdbc:sqlite:" + dir.resolve("projection.db");
    CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
    EventSamples samples = new EventSamples(tasks);
    long[] nextOffsets = new long[PARTITIONS];
    CheckpointManifest full;
    CheckpointManifest incremental;
    double createSeconds;
    double incrementalSeconds;
    try (ProjectionDatabase db = ProjectionDatabase.open(url)) {
      write(db, samples, 0, tasks, nextOffsets);
      long t0 = System.nanoTime();
      full = store.create(db, true);
      createSeconds = (System.nanoTime() - t0) / 1e9;
      write(db, samples, tasks, changed, nextOffsets);
      t0 = System.nanoTime();
      incremental = store.create(db, false);
      incrementalSeconds = (System.nanoTime() - t0) / 1e9;
    }
    if (!CheckpointManifest.INCREMENTAL.equals(incremental.kind())
        || incremental.totalRows() != changed) {
      throw new IllegalStateException(
          "the incremental checkpoint is "
              + incremental.kind()
              + " with "
              + incremental.totalRows()
              + " rows; "
              + changed
              + " tasks changed");
    }
    long t0 = System.nanoTime();
    CheckpointRestore.Result restored =
        CheckpointRestore.into(
            store, full.id(), "jdbc:sqlite:" + dir.resolve("restored.db"), false);
    double restoreSeconds = (System.nanoTime() - t0) / 1e9;
    if (restored.rows() != tasks) {
      throw new IllegalStateException("restore loaded " + restored.rows() + " of " + tasks);
    }

    byte[] raw;
    try (InputStream in =
        new ZstdInputStream(Files.newInputStream(store.dir().resolve(full.dataFile())))) {
      raw = in.readAllBytes();
    }
    double rawMb = raw.length / (1024.0 * 1024.0);
    result.metric("create_s", createSeconds);
    result.metric("restore_s", restoreSeconds);
    result.metric("bytes", full.dataBytes());
    result.metric("incremental_bytes", incremental.dataBytes());
    result.metric("incremental_create_s", incrementalSeconds);
    result.metric("create_mb_per_s", rawMb / createSeconds);
    result.metric("restore_mb_per_s", rawMb / restoreSeconds);
    result.config("uncompressed_bytes", raw.length);

    long c0 = System.nanoTime();
    byte[] compressed = Zstd.compress(raw, 1);
    double compressSeconds = (System.nanoTime() - c0) / 1e9;
    long d0 = System.nanoTime();
    byte[] back = Zstd.decompress(compressed, raw.length);
    double decompressSeconds = (System.nanoTime() - d0) / 1e9;
    if (back.length != raw.length) {
      throw new IllegalStateException("zstd round trip lost bytes");
    }
    result.baseline("zstd1_compress_mb_per_s", rawMb / compressSeconds);
    result.baseline("zstd1_decompress_mb_per_s", rawMb / decompressSeconds);
    result.baseline("zstd1_bytes", compressed.length);
    result.ratio(
        "create_mb_per_s/zstd1_compress_mb_per_s", rawMb / createSeconds, rawMb / compressSeconds);
    result.ratio(
        "restore_mb_per_s/zstd1_decompress_mb_per_s",
        rawMb / restoreSeconds,
        rawMb / decompressSeconds);
    result.ratio("incremental_to_full", incremental.dataBytes(), full.dataBytes());
    result.note(
        "create reads the projection (SQLite) and writes zstd level 3 with SHA-256; restore"
            + " verifies the checksum and upserts every row into a new SQLite projection; the"
            + " baseline only compresses or decompresses bytes already in memory");
    return result;
  }

  /** Writes {@code count} task changes starting at change {@code from}, as the sink would. */
  private static void write(
      ProjectionDatabase db, EventSamples samples, long from, long count, long[] nextOffsets)
      throws Exception {
    List<ProjectionRow> batch = new ArrayList<>();
    for (long n = from; n < from + count; n++) {
      Task task = samples.nextTask(n);
      int partition = (int) (n % PARTITIONS);
      batch.add(
          new ProjectionRow(
              RowKind.TASK,
              samples.key(n),
              task.version(),
              partition,
              nextOffsets[partition]++,
              Json.mapper().valueToTree(task)));
      if (batch.size() == BATCH || n == from + count - 1) {
        Map<Integer, Long> offsets = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
          offsets.put(p, nextOffsets[p]);
        }
        db.writer().apply(batch, TOPIC, offsets);
        batch.clear();
      }
    }
  }
}
