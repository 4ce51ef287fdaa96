package dev.baton.app.sink.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * The projection's schema, as versioned migrations applied in order, in one transaction together
 * with their rows in {@code schema_version}. The same statements run on SQLite and PostgreSQL. On
 * PostgreSQL a transaction-scoped advisory lock serialises instances that start together; on SQLite
 * the immediate write transaction does.
 *
 * <h2>Schema, version 1</h2>
 *
 * <pre>
 * tasks        (workspace, id) primary key; task_key, title, description, status, assignee,
 *              priority, labels (JSON array), depends_on (JSON array), fields (JSON object),
 *              version, created_by, created_at, updated_by, updated_at, event_partition,
 *              event_offset, data (the full Task JSON)
 *              indexes: (workspace, status), (assignee, status), (updated_at),
 *                       (event_partition, event_offset)
 * task_labels  (workspace, task_id, label) primary key; index (label, workspace)
 * locks        lock_key primary key; workspace, resource, mode, holders (comma-separated agents),
 *              holder_count, queue_length, last_token, version, updated_at, event_partition,
 *              event_offset, data (the full LockState JSON)
 *              indexes: (workspace, resource), (event_partition, event_offset)
 * decisions    (workspace, number) primary key; title, context, decision, alternatives,
 *              consequences, supersedes, task_id, agent, command_id, recorded_at,
 *              event_partition, event_offset, data (the full Decision JSON)
 *              indexes: (task_id), (event_partition, event_offset)
 * projection_offsets (topic, partition_id) primary key; next_offset: the next offset of the
 *              events topic to apply, written in the transaction of the rows it covers
 * schema_version (version primary key, description, applied_at)
 * </pre>
 *
 * Times are text in the format of {@link Timestamps}. JSON is stored as text.
 */
public final class Migrations {
  /** The schema version this code reads and writes. */
  public static final int CURRENT = 1;

  private record Migration(int version, String description, List<String> statements) {}

  private static final List<Migration> ALL =
      List.of(
          new Migration(
              1,
              "tasks, labels, locks, decisions and offsets",
              List.of(
                  "CREATE TABLE tasks ("
                      + " workspace TEXT NOT NULL, id TEXT NOT NULL, task_key TEXT NOT NULL,"
                      + " title TEXT, description TEXT, status TEXT, assignee TEXT,"
                      + " priority INTEGER, labels TEXT, depends_on TEXT, fields TEXT,"
                      + " version BIGINT NOT NULL, created_by TEXT, created_at TEXT,"
                      + " updated_by TEXT, updated_at TEXT, event_partition INTEGER NOT NULL,"
                      + " event_offset BIGINT NOT NULL, data TEXT NOT NULL,"
                      + " PRIMARY KEY (workspace, id))",
                  "CREATE INDEX tasks_by_status ON tasks (workspace, status)",
                  "CREATE INDEX tasks_by_assignee ON tasks (assignee, status)",
                  "CREATE INDEX tasks_by_updated ON tasks (updated_at)",
                  "CREATE INDEX tasks_by_position ON tasks (event_partition, event_offset)",
                  "CREATE TABLE task_labels ("
                      + " workspace TEXT NOT NULL, task_id TEXT NOT NULL, label TEXT NOT NULL,"
                      + " PRIMARY KEY (workspace, task_id, label))",
                  "CREATE INDEX task_labels_by_label ON task_labels (label, workspace)",
                  "CREATE TABLE locks ("
                      + " lock_key TEXT NOT NULL PRIMARY KEY, workspace TEXT NOT NULL,"
                      + " resource TEXT NOT NULL, mode TEXT, holders TEXT,"
                      + " holder_count INTEGER NOT NULL, queue_length INTEGER NOT NULL,"
                      + " last_token BIGINT NOT NULL, version BIGINT NOT NULL, updated_at TEXT,"
                      + " event_partition INTEGER NOT NULL, event_offset BIGINT NOT NULL,"
                      + " data TEXT NOT NULL)",
                  "CREATE INDEX locks_by_resource ON locks (workspace, resource)",
                  "CREATE INDEX locks_by_position ON locks (event_partition, event_offset)",
                  "CREATE TABLE decisions ("
                      + " workspace TEXT NOT NULL, number INTEGER NOT NULL, title TEXT,"
                      + " context TEXT, decision TEXT, alternatives TEXT, consequences TEXT,"
                      + " supersedes INTEGER, task_id TEXT, agent TEXT, command_id TEXT,"
                      + " recorded_at TEXT, event_partition INTEGER NOT NULL,"
                      + " event_offset BIGINT NOT NULL, data TEXT NOT NULL,"
                      + " PRIMARY KEY (workspace, number))",
                  "CREATE INDEX decisions_by_task ON decisions (task_id)",
                  "CREATE INDEX decisions_by_position ON decisions"
                      + " (event_partition, event_offset)",
                  "CREATE TABLE projection_offsets ("
                      + " topic TEXT NOT NULL, partition_id INTEGER NOT NULL,"
                      + " next_offset BIGINT NOT NULL, updated_at TEXT,"
                      + " PRIMARY KEY (topic, partition_id))")));

  private Migrations() {}

  /**
   * Brings the schema up to {@link #CURRENT}.
   *
   * @return the version the schema was at before
   * @throws SQLException when the database fails or its schema is newer than this code
   */
  public static int apply(Connection connection, Dialect dialect) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement st = connection.createStatement()) {
      if (dialect == Dialect.POSTGRESQL) {
        st.execute(
            "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/baton-projection'))");
      }
      st.execute(
          "CREATE TABLE IF NOT EXISTS schema_version ("
              + " version INTEGER NOT NULL PRIMARY KEY, description TEXT, applied_at TEXT)");
      int before = currentVersion(connection);
      if (before > CURRENT) {
        throw new SQLException(
            "the projection schema is at version "
                + before
                + ", newer than this Baton ("
                + CURRENT
                + "); upgrade Baton");
      }
      for (Migration m : ALL) {
        if (m.version() <= before) {
          continue;
        }
        for (String sql : m.statements()) {
          st.execute(sql);
        }
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (?,?,?)")) {
          insert.setInt(1, m.version());
          insert.setString(2, m.description());
          insert.setString(3, Timestamps.format(Instant.now()));
          insert.executeUpdate();
        }
      }
      connection.commit();
      return before;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /** The schema version recorded in the database, 0 when none. */
  public static int currentVersion(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
