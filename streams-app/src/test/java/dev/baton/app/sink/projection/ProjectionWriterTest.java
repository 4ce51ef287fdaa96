package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.sdk.protocol.TaskStatus;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The version-guarded, transactional projection writer on real SQLite and real PostgreSQL. */
class ProjectionWriterTest {
  private static final String TOPIC = "baton.events";

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void shouldKeepNewestVersionUnderRepeatedAndReorderedEvents(Dialect dialect) throws Exception {
    try (TestDatabases.TestDb t = TestDatabases.create(dialect, dir);
        ProjectionDatabase db = ProjectionDatabase.open(t.url())) {
      ProjectionWriter writer = db.writer();
      writer.apply(List.of(Rows.task("a", 1, 0, 0), Rows.task("a", 2, 0, 1)), TOPIC, Map.of(0, 2L));
      // Reordered: version 4 arrives before version 3, in separate batches.
      writer.apply(List.of(labelled("a", 4, 0, 5, "four")), TOPIC, Map.of(0, 6L));
      ProjectionWriter.Applied older =
          writer.apply(List.of(labelled("a", 3, 0, 4, "three")), TOPIC, Map.of(0, 6L));
      // Repeated: the same events again, and a batch mixing old and new out of order.
      ProjectionWriter.Applied repeated =
          writer.apply(
              List.of(
                  labelled("a", 4, 0, 5, "four"),
                  Rows.task("a", 1, 0, 0),
                  labelled("a", 3, 0, 4, "three")),
              TOPIC,
              Map.of(0, 6L));

      assertThat(older.tasks()).isZero();
      assertThat(repeated.tasks()).isZero();
      assertThat(scalar(db, "SELECT version FROM tasks WHERE id = 'a'")).isEqualTo("4");
      assertThat(scalar(db, "SELECT event_offset FROM tasks WHERE id = 'a'")).isEqualTo("5");
      assertThat(column(db, "SELECT label FROM task_labels WHERE task_id = 'a' ORDER BY label"))
          .containsExactly("four");
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void shouldApplyNewestOfSeveralVersionsInOneBatch(Dialect dialect) throws Exception {
    try (TestDatabases.TestDb t = TestDatabases.create(dialect, dir);
        ProjectionDatabase db = ProjectionDatabase.open(t.url())) {
      db.writer()
          .apply(
              List.of(Rows.task("b", 3, 1, 9), Rows.task("b", 1, 1, 7), Rows.task("b", 2, 1, 8)),
              TOPIC,
              Map.of(1, 10L));

      assertThat(scalar(db, "SELECT version FROM tasks WHERE id = 'b'")).isEqualTo("3");
      assertThat(scalar(db, "SELECT next_offset FROM projection_offsets WHERE partition_id = 1"))
          .isEqualTo("10");
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void shouldNeverMoveOffsetsBack(Dialect dialect) throws Exception {
    try (TestDatabases.TestDb t = TestDatabases.create(dialect, dir);
        ProjectionDatabase db = ProjectionDatabase.open(t.url())) {
      db.writer().apply(List.of(), TOPIC, Map.of(0, 100L, 1, 50L));
      db.writer().apply(List.of(), TOPIC, Map.of(0, 40L, 1, 60L));

      try (ProjectionReader reader = db.snapshot()) {
        assertThat(reader.offsets(TOPIC)).isEqualTo(Map.of(0, 100L, 1, 60L));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void shouldRollBackRowsAndOffsetsTogetherWhenABatchFails(Dialect dialect) throws Exception {
    try (TestDatabases.TestDb t = TestDatabases.create(dialect, dir);
        ProjectionDatabase db = ProjectionDatabase.open(t.url())) {
      db.writer().apply(List.of(Rows.task("c", 1, 0, 0)), TOPIC, Map.of(0, 1L));
      // The decisions table is gone, so the batch fails after its task rows were written.
      execute(db, "ALTER TABLE decisions RENAME TO decisions_gone");
      ProjectionRow decision = Rows.decision("default", 1, "t", "x", null, 0, 2);

      assertThatThrownBy(
              () ->
                  db.writer()
                      .apply(
                          List.of(Rows.task("c", 2, 0, 1), Rows.task("d", 1, 0, 3), decision),
                          TOPIC,
                          Map.of(0, 4L)))
          .isInstanceOf(SQLException.class);

      execute(db, "ALTER TABLE decisions_gone RENAME TO decisions");
      assertThat(scalar(db, "SELECT version FROM tasks WHERE id = 'c'")).isEqualTo("1");
      assertThat(scalar(db, "SELECT COUNT(*) FROM tasks")).isEqualTo("1");
      assertThat(scalar(db, "SELECT next_offset FROM projection_offsets")).isEqualTo("1");
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void shouldRecordEachDecisionOnceAndKeepLocksByTheirOwnVersion(Dialect dialect) throws Exception {
    try (TestDatabases.TestDb t = TestDatabases.create(dialect, dir);
        ProjectionDatabase db = ProjectionDatabase.open(t.url())) {
      ProjectionRow first = Rows.decision("default", 1, "Use Kafka", "because", null, 2, 3);
      ProjectionRow rewritten = Rows.decision("default", 1, "Rewritten", "no", null, 2, 9);
      db.writer()
          .apply(List.of(first, Rows.lock("default", "task/a", 5, 3, 0, 4)), TOPIC, Map.of());
      db.writer()
          .apply(List.of(rewritten, Rows.lock("default", "task/a", 4, 2, 0, 3)), TOPIC, Map.of());

      assertThat(scalar(db, "SELECT title FROM decisions WHERE number = 1")).isEqualTo("Use Kafka");
      assertThat(scalar(db, "SELECT last_token FROM locks")).isEqualTo("3");
      assertThat(scalar(db, "SELECT holders FROM locks")).isEqualTo("alice");
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void shouldIndexTasksForQueriesByStatusAssigneeLabelAndTime(Dialect dialect) throws Exception {
    try (TestDatabases.TestDb t = TestDatabases.create(dialect, dir);
        ProjectionDatabase db = ProjectionDatabase.open(t.url())) {
      db.writer()
          .apply(
              List.of(
                  Rows.task("default", "x", 2, TaskStatus.IN_PROGRESS, List.of("ui", "bug"), 0, 1),
                  Rows.task("default", "y", 1, TaskStatus.OPEN, List.of("bug"), 0, 2)),
              TOPIC,
              Map.of(0, 3L));

      assertThat(column(db, "SELECT task_id FROM task_labels WHERE label = 'bug' ORDER BY 1"))
          .containsExactly("x", "y");
      assertThat(column(db, "SELECT id FROM tasks WHERE status = 'IN_PROGRESS'"))
          .containsExactly("x");
      assertThat(column(db, "SELECT id FROM tasks ORDER BY updated_at DESC"))
          .containsExactly("x", "y");
      assertThat(column(db, "SELECT id FROM tasks WHERE assignee = 'agent-2'"))
          .containsExactly("x");
    }
  }

  private static ProjectionRow labelled(
      String id, long version, int partition, long offset, String label) {
    return Rows.task("default", id, version, TaskStatus.OPEN, List.of(label), partition, offset);
  }

  private static void execute(ProjectionDatabase db, String sql) throws SQLException {
    db.connection().setAutoCommit(true);
    try (var st = db.connection().createStatement()) {
      st.execute(sql);
    }
  }

  static String scalar(ProjectionDatabase db, String sql) throws SQLException {
    List<String> values = column(db, sql);
    assertThat(values).hasSize(1);
    return values.get(0);
  }

  static List<String> column(ProjectionDatabase db, String sql) throws SQLException {
    db.connection().setAutoCommit(true);
    List<String> values = new ArrayList<>();
    try (PreparedStatement st = db.connection().prepareStatement(sql);
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }
}
