package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.sink.projection.checkpoint.CheckpointException;
import dev.baton.app.sink.projection.checkpoint.CheckpointManifest;
import dev.baton.app.sink.projection.checkpoint.CheckpointRestore;
import dev.baton.app.sink.projection.checkpoint.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Full and incremental checkpoints: size, restore, damage and retention. */
class CheckpointTest {
  private static final String TOPIC = "baton.events";
  private static final int PARTITIONS = 3;

  @TempDir Path dir;

  /** Writes {@code count} tasks (and a lock and decision per 100) as if read from the log. */
  private static SortedMap<Integer, Long> fill(ProjectionDatabase db, int count) throws Exception {
    SortedMap<Integer, Long> next = new TreeMap<>();
    List<ProjectionRow> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int partition = i % PARTITIONS;
      long offset = next.merge(partition, 1L, Long::sum) - 1;
      rows.add(Rows.task("t-" + i, 1, partition, offset));
      if (i % 100 == 0) {
        offset = next.merge(partition, 1L, Long::sum) - 1;
        rows.add(Rows.lock("default", "src/F" + i + ".java", 1, 1, partition, offset));
        offset = next.merge(partition, 1L, Long::sum) - 1;
        rows.add(
            Rows.decision(
                "default", i / 100 + 1, "Decision " + i, "text", null, partition, offset));
      }
    }
    db.writer().apply(rows, TOPIC, next);
    return next;
  }

  /** Changes {@code ids} to a new version, at offsets after {@code next}. */
  private static void change(
      ProjectionDatabase db, SortedMap<Integer, Long> next, List<Integer> ids, long version)
      throws Exception {
    List<ProjectionRow> rows = new ArrayList<>();
    for (int i : ids) {
      int partition = i % PARTITIONS;
      long offset = next.merge(partition, 1L, Long::sum) - 1;
      rows.add(Rows.task("t-" + i, version, partition, offset));
    }
    db.writer().apply(rows, TOPIC, next);
  }

  private static List<Integer> everyHundredth(int count, int shift) {
    List<Integer> ids = new ArrayList<>();
    for (int i = shift; i < count; i += 100) {
      ids.add(i);
    }
    return ids;
  }

  @Test
  void shouldWriteIncrementalOfOnePercentChangedAtLeastTenTimesSmallerThanFull() throws Exception {
    try (ProjectionDatabase db = ProjectionDatabase.open(sqlite("size"))) {
      SortedMap<Integer, Long> next = fill(db, 5000);
      CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
      CheckpointManifest full = store.create(db, true);
      change(db, next, everyHundredth(5000, 7), 2);

      CheckpointManifest incremental = store.create(db, false);

      System.out.printf(
          "checkpoint sizes: full %d rows %d bytes, incremental %d rows %d bytes (%.1fx)%n",
          full.totalRows(),
          full.dataBytes(),
          incremental.totalRows(),
          incremental.dataBytes(),
          (double) full.dataBytes() / incremental.dataBytes());
      assertThat(incremental.parent()).isEqualTo(full.id());
      assertThat(incremental.rows()).containsEntry("task", 50L);
      assertThat(full.rows()).containsEntry("task", 5000L).containsEntry("lock", 50L);
      assertThat(full.dataBytes()).isGreaterThanOrEqualTo(10 * incremental.dataBytes());
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void shouldRestoreFullPlusIncrementalsToExactlyTheProjection(Dialect target) throws Exception {
    try (ProjectionDatabase db = ProjectionDatabase.open(sqlite("source"));
        TestDatabases.TestDb restored = TestDatabases.create(target, dir)) {
      SortedMap<Integer, Long> next = fill(db, 1000);
      CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
      store.create(db, true);
      change(db, next, everyHundredth(1000, 3), 2);
      store.create(db, false);
      change(db, next, everyHundredth(1000, 3), 3);
      change(db, next, everyHundredth(1000, 5), 2);
      db.writer()
          .apply(
              List.of(Rows.task("new-one", 1, 1, next.get(1))), TOPIC, Map.of(1, next.get(1) + 1));
      CheckpointManifest last = store.create(db, false);

      CheckpointRestore.Result result =
          CheckpointRestore.into(store, last.id(), restored.url(), false);

      assertThat(result.chain()).hasSize(3);
      try (ProjectionDatabase copy = ProjectionDatabase.open(restored.url())) {
        assertSameProjection(copy, db);
        assertThat(
                ProjectionWriterTest.column(
                    copy, "SELECT label FROM task_labels WHERE task_id = 't-3'"))
            .containsExactly("backend");
      }
    }
  }

  @Test
  void shouldRefuseACheckpointWithAFlippedByteNamingItAndTheGoodOneBefore() throws Exception {
    try (ProjectionDatabase db = ProjectionDatabase.open(sqlite("damage"))) {
      SortedMap<Integer, Long> next = fill(db, 300);
      CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
      CheckpointManifest good = store.create(db, true);
      change(db, next, List.of(1, 2), 2);
      CheckpointManifest damaged = store.create(db, true);
      Path data = store.dir().resolve(damaged.dataFile());
      byte[] bytes = Files.readAllBytes(data);
      bytes[bytes.length / 2] ^= 0x01;
      Files.write(data, bytes);
      String target = sqlite("never");

      assertThatThrownBy(() -> CheckpointRestore.into(store, damaged.id(), target, false))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("checkpoint " + damaged.id() + " is damaged")
          .hasMessageContaining("SHA-256")
          .hasMessageContaining("use the previous good checkpoint " + good.id());
      assertThat(Files.exists(Path.of(ProjectionDatabase.sqliteFile(target)))).isFalse();
      assertThat(store.checkData(good)).isNull();
      assertThat(CheckpointRestore.into(store, good.id(), target, false).rows()).isPositive();
    }
  }

  @Test
  void shouldRefuseAnIncrementalWhoseParentIsDamaged() throws Exception {
    try (ProjectionDatabase db = ProjectionDatabase.open(sqlite("parent"))) {
      SortedMap<Integer, Long> next = fill(db, 200);
      CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
      CheckpointManifest full = store.create(db, true);
      change(db, next, List.of(5), 2);
      CheckpointManifest incremental = store.create(db, false);
      Files.write(store.dir().resolve(full.dataFile()), new byte[] {1, 2, 3});

      assertThatThrownBy(() -> store.verifiedChain(incremental.id()))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("checkpoint " + full.id() + " is damaged")
          .hasMessageContaining(incremental.id() + " builds on it");
    }
  }

  @Test
  void shouldNeverListAHalfWrittenCheckpoint() throws Exception {
    try (ProjectionDatabase db = ProjectionDatabase.open(sqlite("half"))) {
      fill(db, 10);
      CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
      CheckpointManifest whole = store.create(db, true);
      // A crash after the data file and before the manifest leaves these behind.
      Files.write(store.dir().resolve("20991231T000000.000Z-full.jsonl.zst"), new byte[10]);
      Files.write(
          store.dir().resolve("20991231T000000.000Z-full.manifest.json.tmp"),
          "{\"format\":".getBytes());

      assertThat(store.manifests()).extracting(CheckpointManifest::id).containsExactly(whole.id());
      assertThat(store.newestIntact()).map(CheckpointManifest::id).contains(whole.id());
    }
  }

  @Test
  void shouldKeepNewestFullCheckpointsAndWhatDependsOnThem() throws Exception {
    try (ProjectionDatabase db = ProjectionDatabase.open(sqlite("retain"))) {
      SortedMap<Integer, Long> next = fill(db, 50);
      CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
      List<String> ids = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        ids.add(store.create(db, true).id());
        change(db, next, List.of(round), round + 2);
        ids.add(store.create(db, false).id());
      }

      List<String> deleted = store.retain(2);

      assertThat(deleted).containsExactly(ids.get(0), ids.get(1));
      assertThat(store.manifests())
          .extracting(CheckpointManifest::id)
          .containsExactlyElementsOf(ids.subList(2, 6));
      assertThat(Files.exists(store.dir().resolve(ids.get(0) + ".jsonl.zst"))).isFalse();
      assertThat(store.verifiedChain(ids.get(5))).hasSize(2);
    }
  }

  private String sqlite(String name) {
    return "jdbc:sqlite:" + dir.resolve(name + ".db");
  }

  static void assertSameProjection(ProjectionDatabase actual, ProjectionDatabase expected)
      throws Exception {
    try (ProjectionReader a = actual.snapshot();
        ProjectionReader e = expected.snapshot()) {
      assertThat(a.topics()).isEqualTo(e.topics());
      for (String topic : e.topics()) {
        assertThat(a.offsets(topic)).isEqualTo(e.offsets(topic));
      }
      for (RowKind kind : RowKind.values()) {
        assertThat(a.all(kind)).as(kind.table()).isEqualTo(e.all(kind));
      }
    }
    for (String sql :
        List.of(
            "SELECT workspace, id, title, status, assignee, priority, labels, version, updated_at,"
                + " event_partition, event_offset FROM tasks ORDER BY workspace, id",
            "SELECT workspace, task_id, label FROM task_labels ORDER BY 1, 2, 3",
            "SELECT lock_key, holders, last_token, version FROM locks ORDER BY 1",
            "SELECT workspace, number, title, supersedes FROM decisions ORDER BY 1, 2")) {
      assertThat(table(actual, sql)).as(sql).isEqualTo(table(expected, sql));
    }
  }

  private static List<List<String>> table(ProjectionDatabase db, String sql) throws Exception {
    db.connection().setAutoCommit(true);
    List<List<String>> rows = new ArrayList<>();
    try (var st = db.connection().prepareStatement(sql);
        var rs = st.executeQuery()) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
