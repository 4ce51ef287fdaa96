package dev.baton.app.sink.projection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the projection inside one read transaction, so that rows and offsets are a consistent
 * snapshot even while the sink writes (SQLite WAL readers and PostgreSQL repeatable-read both see
 * the state as of their first read). Use it with try-with-resources; closing ends the transaction
 * without changing anything.
 */
public final class ProjectionReader implements AutoCloseable {
  private final Connection connection;
  private final boolean wasAutoCommit;

  /** A row visitor that may fail with an I/O or database error. */
  @FunctionalInterface
  public interface RowVisitor {
    void visit(ProjectionRow row) throws Exception;
  }

  /** Starts a read snapshot on {@code connection}. */
  public ProjectionReader(Connection connection, Dialect dialect) throws SQLException {
    this.connection = connection;
    this.wasAutoCommit = connection.getAutoCommit();
    if (dialect == Dialect.POSTGRESQL) {
      connection.setAutoCommit(true);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    }
    connection.setAutoCommit(false);
  }

  /** The topics the projection has offsets for (normally one). */
  public List<String> topics() throws SQLException {
    List<String> topics = new ArrayList<>();
    try (PreparedStatement st =
            connection.prepareStatement(
                "SELECT DISTINCT topic FROM projection_offsets ORDER BY topic");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        topics.add(rs.getString(1));
      }
    }
    return topics;
  }

  /** Partition -> next offset to apply, for {@code topic}. */
  public SortedMap<Integer, Long> offsets(String topic) throws SQLException {
    SortedMap<Integer, Long> offsets = new TreeMap<>();
    try (PreparedStatement st =
        connection.prepareStatement(
            "SELECT partition_id, next_offset FROM projection_offsets WHERE topic = ?")) {
      st.setString(1, topic);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          offsets.put(rs.getInt(1), rs.getLong(2));
        }
      }
    }
    return offsets;
  }

  /** Rows per kind. */
  public Map<RowKind, Long> counts() throws SQLException {
    Map<RowKind, Long> counts = new EnumMap<>(RowKind.class);
    for (RowKind kind : RowKind.values()) {
      try (PreparedStatement st =
              connection.prepareStatement("SELECT COUNT(*) FROM " + kind.table());
          ResultSet rs = st.executeQuery()) {
        rs.next();
        counts.put(kind, rs.getLong(1));
      }
    }
    return counts;
  }

  /** Visits every row of {@code kind} in key order. */
  public void forEach(RowKind kind, RowVisitor visitor) throws Exception {
    forEachChangedSince(kind, null, visitor);
  }

  /**
   * Visits the rows of {@code kind} written by events at or after {@code since} (partition -> first
   * offset; partitions it does not name count from 0), or every row when {@code since} is null.
   */
  public void forEachChangedSince(RowKind kind, Map<Integer, Long> since, RowVisitor visitor)
      throws Exception {
    StringBuilder sql = new StringBuilder("SELECT ").append(keyColumns(kind));
    sql.append(kind == RowKind.DECISION ? ", number" : ", version");
    sql.append(", event_partition, event_offset, data FROM ").append(kind.table());
    List<Object> params = new ArrayList<>();
    if (since != null && !since.isEmpty()) {
      TreeSet<Integer> named = new TreeSet<>(since.keySet());
      sql.append(" WHERE event_partition NOT IN (");
      sql.append(String.join(",", named.stream().map(p -> "?").toList())).append(")");
      params.addAll(named);
      for (Integer p : named) {
        sql.append(" OR (event_partition = ? AND event_offset >= ?)");
        params.add(p);
        params.add(since.get(p));
      }
    }
    sql.append(" ORDER BY ").append(orderColumns(kind));
    try (PreparedStatement st = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < params.size(); i++) {
        Object v = params.get(i);
        if (v instanceof Integer n) {
          st.setInt(i + 1, n);
        } else {
          st.setLong(i + 1, (Long) v);
        }
      }
      st.setFetchSize(500);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          visitor.visit(read(kind, rs));
        }
      }
    }
  }

  /** Visits every row of {@code kind}'s table as its columns ({@link ProjectionColumns#names}). */
  public void forEachColumns(RowKind kind, ColumnsVisitor visitor) throws Exception {
    List<String> names = ProjectionColumns.names(kind);
    String sql =
        "SELECT "
            + String.join(", ", names)
            + " FROM "
            + kind.table()
            + " ORDER BY "
            + orderColumns(kind);
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.setFetchSize(500);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Map<String, Object> row = new java.util.LinkedHashMap<>();
          for (int i = 0; i < names.size(); i++) {
            Object v = rs.getObject(i + 1);
            // Numbers as long, whatever width the driver chose; text as it is.
            row.put(names.get(i), v instanceof Number n ? (Object) n.longValue() : v);
          }
          visitor.visit(row);
        }
      }
    }
  }

  /** Visits every row of {@code task_labels} as (workspace, task id, label). */
  public void forEachLabel(LabelVisitor visitor) throws Exception {
    try (PreparedStatement st =
        connection.prepareStatement(
            "SELECT workspace, task_id, label FROM task_labels ORDER BY workspace, task_id, label")) {
      st.setFetchSize(500);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          visitor.visit(rs.getString(1), rs.getString(2), rs.getString(3));
        }
      }
    }
  }

  /** A visitor of a row's columns by name. */
  @FunctionalInterface
  public interface ColumnsVisitor {
    void visit(Map<String, Object> columns) throws Exception;
  }

  /** A visitor of {@code task_labels} rows. */
  @FunctionalInterface
  public interface LabelVisitor {
    void visit(String workspace, String taskId, String label) throws Exception;
  }

  /** Every row of {@code kind}, in key order. */
  public List<ProjectionRow> all(RowKind kind) throws Exception {
    List<ProjectionRow> rows = new ArrayList<>();
    forEach(kind, rows::add);
    return rows;
  }

  private static String keyColumns(RowKind kind) {
    return switch (kind) {
      case TASK -> "task_key";
      case LOCK -> "lock_key";
      case DECISION -> "workspace, number";
    };
  }

  private static String orderColumns(RowKind kind) {
    return switch (kind) {
      case TASK -> "workspace, id";
      case LOCK -> "lock_key";
      case DECISION -> "workspace, number";
    };
  }

  private static ProjectionRow read(RowKind kind, ResultSet rs) throws SQLException {
    String key;
    int col;
    if (kind == RowKind.DECISION) {
      key = EventRows.decisionKey(rs.getString(1), rs.getLong(2));
      col = 3;
    } else {
      key = rs.getString(1);
      col = 2;
    }
    long version = rs.getLong(col);
    int partition = rs.getInt(col + 1);
    long offset = rs.getLong(col + 2);
    String data = rs.getString(col + 3);
    return new ProjectionRow(kind, key, version, partition, offset, parse(data, key));
  }

  private static JsonNode parse(String data, String key) throws SQLException {
    try {
      return Json.mapper().readTree(data);
    } catch (JsonProcessingException e) {
      throw new SQLException("row " + key + " holds unreadable JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      connection.rollback();
    } finally {
      connection.setAutoCommit(wasAutoCommit);
    }
  }
}
