package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.sink.projection.verify.ColumnDiff;
import dev.baton.sdk.protocol.TaskStatus;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code verify}'s column comparison, tested by breaking what it checks: each kind of single-cell
 * edit of the projection is reported naming the table, the key and the column, on SQLite and on
 * PostgreSQL. The trial's edits all passed as "no differences" before.
 */
class ColumnDiffTest {
  @TempDir Path dir;

  private static final ProjectionRow TASK =
      Rows.task("default", "t1", 3, TaskStatus.CLAIMED, List.of("bug", "ui"), 0, 10);
  private static final ProjectionRow LOCK = Rows.lock("default", "src/A.java", 4, 7, 1, 20);
  private static final ProjectionRow DECISION =
      Rows.decision("default", 2, "Use Kafka", "because", 1, 2, 30);

  /** An edit as SQL, and what the report must name. */
  static Stream<Arguments> edits() {
    String task = "WHERE workspace = 'default' AND id = 't1'";
    String lock = "WHERE lock_key = 'default/lock/src/A.java'";
    String decision = "WHERE workspace = 'default' AND number = 2";
    return Stream.of(
        Arguments.of("UPDATE tasks SET title = 'edited' " + task, "tasks", "column title"),
        Arguments.of("UPDATE tasks SET status = 'DONE' " + task, "tasks", "column status"),
        Arguments.of("UPDATE tasks SET assignee = 'mallory' " + task, "tasks", "column assignee"),
        Arguments.of("UPDATE tasks SET priority = 9 " + task, "tasks", "column priority"),
        Arguments.of("UPDATE tasks SET labels = '[]' " + task, "tasks", "column labels"),
        Arguments.of("UPDATE tasks SET fields = '{}' " + task, "tasks", "column fields"),
        Arguments.of(
            "UPDATE tasks SET updated_at = '2030-01-01T00:00:00.000Z' " + task,
            "tasks",
            "column updated_at"),
        Arguments.of("UPDATE tasks SET event_offset = 11 " + task, "tasks", "column event_offset"),
        Arguments.of(
            "UPDATE tasks SET data = replace(data, '\"CLAIMED\"', '\"OPEN\"') " + task,
            "tasks",
            "column data"),
        Arguments.of(
            "DELETE FROM task_labels WHERE label = 'bug'",
            "task_labels row (workspace=\"default\", task_id=\"t1\", label=\"bug\")",
            "is missing"),
        Arguments.of(
            "INSERT INTO task_labels VALUES ('default', 't1', 'extra')",
            "task_labels row (workspace=\"default\", task_id=\"t1\", label=\"extra\")",
            "is not in the log"),
        Arguments.of("UPDATE locks SET last_token = 8 " + lock, "locks", "column last_token"),
        Arguments.of("UPDATE locks SET holders = 'bob' " + lock, "locks", "column holders"),
        Arguments.of("UPDATE locks SET holder_count = 0 " + lock, "locks", "column holder_count"),
        Arguments.of("UPDATE locks SET mode = NULL " + lock, "locks", "column mode"),
        Arguments.of(
            "UPDATE decisions SET decision = 'edited' " + decision, "decisions", "column decision"),
        Arguments.of(
            "UPDATE decisions SET supersedes = NULL " + decision, "decisions", "column supersedes"),
        Arguments.of(
            "UPDATE decisions SET context = 'edited' " + decision, "decisions", "column context"),
        Arguments.of("DELETE FROM locks " + lock, "locks (lock_key=", "is missing"));
  }

  static Stream<Arguments> editsOnBothDatabases() {
    return edits()
        .flatMap(
            a ->
                Stream.of(Dialect.SQLITE, Dialect.POSTGRESQL)
                    .map(d -> Arguments.of(d, a.get()[0], a.get()[1], a.get()[2])));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("editsOnBothDatabases")
  void shouldReportEverySingleCellEditNamingTableKeyAndColumn(
      Dialect dialect, String edit, String table, String what) throws Exception {
    try (TestDatabases.TestDb target = TestDatabases.create(dialect, dir);
        ProjectionDatabase db = ProjectionDatabase.open(target.url())) {
      db.writer().apply(List.of(TASK, LOCK, DECISION), "baton.events", Map.of(0, 11L));
      ProjectionState expected = new ProjectionState();
      List.of(TASK, LOCK, DECISION).forEach(expected::apply);
      try (ProjectionReader reader = db.snapshot()) {
        assertThat(ColumnDiff.compare("projection", expected, reader)).isEmpty();
      }

      try (Statement st = db.connection().createStatement()) {
        st.executeUpdate(edit);
      }

      List<String> diffs;
      try (ProjectionReader reader = db.snapshot()) {
        diffs = ColumnDiff.compare("projection", expected, reader);
      }
      assertThat(diffs).as(edit).hasSize(1);
      assertThat(diffs.get(0)).startsWith("projection: " + table).contains(what);
      if (what.startsWith("column")) {
        assertThat(diffs.get(0)).contains("the log says");
      }
    }
  }
}
