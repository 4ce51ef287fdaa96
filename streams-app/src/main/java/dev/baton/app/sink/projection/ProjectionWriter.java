package dev.baton.app.sink.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies rows to the projection, one transaction per batch, with the offsets the batch covers in
 * the same transaction: after a crash either the rows and their offsets are both there or neither
 * is.
 *
 * <p>Every upsert is guarded by the version: a task or lock row changes only when the incoming
 * version is higher than the stored one, and a decision is written once. Replaying an event, or
 * applying an older one after a newer one, changes nothing. Offsets only move forward, so an
 * instance that lost a partition and commits late cannot move them back (PostgreSQL with several
 * instances).
 */
public final class ProjectionWriter {
  private static final String TASK_UPSERT =
      upsert(RowKind.TASK, "WHERE excluded.version > tasks.version");
  private static final String LABELS_DELETE =
      "DELETE FROM task_labels WHERE workspace = ? AND task_id = ?";
  private static final String LABEL_INSERT =
      "INSERT INTO task_labels (workspace, task_id, label) VALUES (?,?,?)"
          + " ON CONFLICT (workspace, task_id, label) DO NOTHING";
  private static final String LOCK_UPSERT =
      upsert(RowKind.LOCK, "WHERE excluded.version > locks.version");
  // A decision is written once.
  private static final String DECISION_INSERT = upsert(RowKind.DECISION, null);
  private static final String OFFSET_UPSERT =
      "INSERT INTO projection_offsets (topic, partition_id, next_offset, updated_at)"
          + " VALUES (?,?,?,?) ON CONFLICT (topic, partition_id) DO UPDATE SET"
          + " next_offset = excluded.next_offset, updated_at = excluded.updated_at"
          + " WHERE excluded.next_offset > projection_offsets.next_offset";

  /**
   * {@code INSERT} of every column of {@code kind}'s table; on a key conflict the non-key columns
   * are replaced when {@code guard} holds, or nothing happens when it is null.
   */
  private static String upsert(RowKind kind, String guard) {
    List<String> columns = ProjectionColumns.names(kind);
    List<String> key = ProjectionColumns.key(kind);
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(kind.table())
            .append(" (")
            .append(String.join(", ", columns))
            .append(") VALUES (")
            .append(String.join(",", java.util.Collections.nCopies(columns.size(), "?")))
            .append(") ON CONFLICT (")
            .append(String.join(", ", key))
            .append(")");
    if (guard == null) {
      return sql.append(" DO NOTHING").toString();
    }
    sql.append(" DO UPDATE SET ");
    sql.append(
        String.join(
            ", ",
            columns.stream()
                .filter(c -> !key.contains(c))
                .map(c -> c + " = excluded." + c)
                .toList()));
    return sql.append(" ").append(guard).toString();
  }

  /** What one batch changed. */
  public record Applied(int rows, int tasks, int locks, int decisions) {
    public boolean any() {
      return rows > 0;
    }
  }

  private final Connection connection;

  /** A writer over {@code connection}; each batch is one transaction, auto-commit in between. */
  public ProjectionWriter(Connection connection) {
    this.connection = connection;
  }

  /**
   * Applies {@code rows} and moves the offsets of {@code topic} to {@code nextOffsets} (partition
   * -> next offset to read), all in one transaction.
   */
  public Applied apply(List<ProjectionRow> rows, String topic, Map<Integer, Long> nextOffsets)
      throws SQLException {
    connection.setAutoCommit(false);
    Applied applied;
    try {
      applied = applyRows(rows);
      writeOffsets(topic, nextOffsets);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      throw e;
    }
    endTransactionMode();
    return applied;
  }

  /** Supplies rows to {@link #applyAll}, e.g. by reading a checkpoint. */
  @FunctionalInterface
  public interface RowSource {
    void forEach(ProjectionReader.RowVisitor visitor) throws Exception;
  }

  /**
   * Applies every row {@code source} supplies and then the offsets, in one transaction; with {@code
   * replace}, the projection is emptied first in the same transaction. For restores: the rows are
   * applied in chunks, so the source may be larger than memory.
   */
  public Applied applyAll(
      RowSource source, boolean replace, String topic, Map<Integer, Long> nextOffsets)
      throws Exception {
    connection.setAutoCommit(false);
    Applied applied;
    try {
      if (replace) {
        try (java.sql.Statement st = connection.createStatement()) {
          for (String table :
              List.of("tasks", "task_labels", "locks", "decisions", "projection_offsets")) {
            st.executeUpdate("DELETE FROM " + table);
          }
        }
      }
      List<ProjectionRow> chunk = new ArrayList<>();
      int[] totals = new int[4];
      source.forEach(
          row -> {
            chunk.add(row);
            if (chunk.size() >= CHUNK) {
              add(totals, applyRows(chunk));
              chunk.clear();
            }
          });
      add(totals, applyRows(chunk));
      writeOffsets(topic, nextOffsets);
      connection.commit();
      applied = new Applied(totals[0], totals[1], totals[2], totals[3]);
    } catch (Exception e) {
      rollbackQuietly(e);
      throw e;
    }
    endTransactionMode();
    return applied;
  }

  /**
   * Back to auto-commit between batches: sqlite-jdbc begins the next transaction right after a
   * commit, and an immediate transaction left open would hold the write lock until the next batch.
   */
  private void endTransactionMode() throws SQLException {
    connection.setAutoCommit(true);
  }

  private static final int CHUNK = 1000;

  private static void add(int[] totals, Applied a) {
    totals[0] += a.rows();
    totals[1] += a.tasks();
    totals[2] += a.locks();
    totals[3] += a.decisions();
  }

  private Applied applyRows(List<ProjectionRow> rows) throws SQLException {
    // Within a batch only the newest version of each row can win; skip the others.
    Map<String, ProjectionRow> newest = new LinkedHashMap<>();
    for (ProjectionRow row : rows) {
      newest.merge(row.identity(), row, (a, b) -> b.version() > a.version() ? b : a);
    }
    List<ProjectionRow> ordered = new ArrayList<>(newest.values());
    ordered.sort(Comparator.comparing(ProjectionRow::identity));
    int tasks = 0;
    int locks = 0;
    int decisions = 0;
    try (PreparedStatement task = connection.prepareStatement(TASK_UPSERT);
        PreparedStatement lock = connection.prepareStatement(LOCK_UPSERT);
        PreparedStatement decision = connection.prepareStatement(DECISION_INSERT);
        PreparedStatement deleteLabels = connection.prepareStatement(LABELS_DELETE);
        PreparedStatement insertLabel = connection.prepareStatement(LABEL_INSERT)) {
      for (ProjectionRow row : ordered) {
        switch (row.kind()) {
          case TASK -> {
            if (upsertTask(task, row)) {
              writeLabels(deleteLabels, insertLabel, row);
              tasks++;
            }
          }
          case LOCK -> locks += upsertLock(lock, row);
          case DECISION -> decisions += insertDecision(decision, row);
          default -> throw new IllegalStateException("unknown row kind " + row.kind());
        }
      }
    }
    return new Applied(tasks + locks + decisions, tasks, locks, decisions);
  }

  private static boolean upsertTask(PreparedStatement st, ProjectionRow row) throws SQLException {
    return bind(st, row).executeUpdate() > 0;
  }

  private static void writeLabels(
      PreparedStatement delete, PreparedStatement insert, ProjectionRow row) throws SQLException {
    String workspace = ProjectionColumns.workspaceOf(row);
    String id = row.data().path("id").asText();
    delete.setString(1, workspace);
    delete.setString(2, id);
    delete.executeUpdate();
    Set<String> labels = ProjectionColumns.labels(row);
    if (labels.isEmpty()) {
      return;
    }
    for (String label : labels) {
      insert.setString(1, workspace);
      insert.setString(2, id);
      insert.setString(3, label);
      insert.addBatch();
    }
    insert.executeBatch();
  }

  private static int upsertLock(PreparedStatement st, ProjectionRow row) throws SQLException {
    return bind(st, row).executeUpdate() > 0 ? 1 : 0;
  }

  private static int insertDecision(PreparedStatement st, ProjectionRow row) throws SQLException {
    return bind(st, row).executeUpdate() > 0 ? 1 : 0;
  }

  /** Binds every column of {@code row} ({@link ProjectionColumns}) in order. */
  private static PreparedStatement bind(PreparedStatement st, ProjectionRow row)
      throws SQLException {
    int i = 0;
    for (ProjectionColumns.Column c : ProjectionColumns.of(row)) {
      i++;
      if (c.value() == null) {
        st.setNull(i, c.sqlType());
      } else if (c.sqlType() == Types.INTEGER) {
        st.setInt(i, (Integer) c.value());
      } else if (c.sqlType() == Types.BIGINT) {
        st.setLong(i, (Long) c.value());
      } else {
        st.setString(i, (String) c.value());
      }
    }
    return st;
  }

  private void writeOffsets(String topic, Map<Integer, Long> nextOffsets) throws SQLException {
    if (topic == null || nextOffsets.isEmpty()) {
      return;
    }
    String now = Timestamps.format(Instant.now());
    try (PreparedStatement st = connection.prepareStatement(OFFSET_UPSERT)) {
      for (Map.Entry<Integer, Long> e : nextOffsets.entrySet()) {
        st.setString(1, topic);
        st.setInt(2, e.getKey());
        st.setLong(3, e.getValue());
        st.setString(4, now);
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  /**
   * Rolls back and returns to auto-commit after a failure, keeping {@code cause} the error: on a
   * full disk or an I/O error SQLite has already rolled the transaction back itself, and ending the
   * transaction mode then fails with "no transaction is active", which must not hide the cause.
   */
  private void rollbackQuietly(Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
    try {
      endTransactionMode();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
