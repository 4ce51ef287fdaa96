package dev.baton.app.sink.projection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.AggregateKeys;
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
import java.util.StringJoiner;

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
      "INSERT INTO tasks (workspace, id, task_key, title, description, status, assignee,"
          + " priority, labels, depends_on, fields, version, created_by, created_at, updated_by,"
          + " updated_at, event_partition, event_offset, data)"
          + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
          + " ON CONFLICT (workspace, id) DO UPDATE SET task_key = excluded.task_key,"
          + " title = excluded.title, description = excluded.description,"
          + " status = excluded.status, assignee = excluded.assignee,"
          + " priority = excluded.priority, labels = excluded.labels,"
          + " depends_on = excluded.depends_on, fields = excluded.fields,"
          + " version = excluded.version, created_by = excluded.created_by,"
          + " created_at = excluded.created_at, updated_by = excluded.updated_by,"
          + " updated_at = excluded.updated_at, event_partition = excluded.event_partition,"
          + " event_offset = excluded.event_offset, data = excluded.data"
          + " WHERE excluded.version > tasks.version";
  private static final String LABELS_DELETE =
      "DELETE FROM task_labels WHERE workspace = ? AND task_id = ?";
  private static final String LABEL_INSERT =
      "INSERT INTO task_labels (workspace, task_id, label) VALUES (?,?,?)"
          + " ON CONFLICT (workspace, task_id, label) DO NOTHING";
  private static final String LOCK_UPSERT =
      "INSERT INTO locks (lock_key, workspace, resource, mode, holders, holder_count,"
          + " queue_length, last_token, version, updated_at, event_partition, event_offset, data)"
          + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
          + " ON CONFLICT (lock_key) DO UPDATE SET workspace = excluded.workspace,"
          + " resource = excluded.resource, mode = excluded.mode, holders = excluded.holders,"
          + " holder_count = excluded.holder_count, queue_length = excluded.queue_length,"
          + " last_token = excluded.last_token, version = excluded.version,"
          + " updated_at = excluded.updated_at, event_partition = excluded.event_partition,"
          + " event_offset = excluded.event_offset, data = excluded.data"
          + " WHERE excluded.version > locks.version";
  private static final String DECISION_INSERT =
      "INSERT INTO decisions (workspace, number, title, context, decision, alternatives,"
          + " consequences, supersedes, task_id, agent, command_id, recorded_at,"
          + " event_partition, event_offset, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
          + " ON CONFLICT (workspace, number) DO NOTHING";
  private static final String OFFSET_UPSERT =
      "INSERT INTO projection_offsets (topic, partition_id, next_offset, updated_at)"
          + " VALUES (?,?,?,?) ON CONFLICT (topic, partition_id) DO UPDATE SET"
          + " next_offset = excluded.next_offset, updated_at = excluded.updated_at"
          + " WHERE excluded.next_offset > projection_offsets.next_offset";

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
    try {
      Applied applied = applyRows(rows);
      writeOffsets(topic, nextOffsets);
      connection.commit();
      return applied;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      throw e;
    } finally {
      endTransactionMode();
    }
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
      return new Applied(totals[0], totals[1], totals[2], totals[3]);
    } catch (Exception e) {
      rollbackQuietly(e);
      throw e;
    } finally {
      endTransactionMode();
    }
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
    JsonNode d = row.data();
    int i = 0;
    st.setString(++i, workspaceOf(d, row.key()));
    st.setString(++i, d.path("id").asText());
    st.setString(++i, row.key());
    st.setString(++i, text(d, "title"));
    st.setString(++i, text(d, "description"));
    st.setString(++i, text(d, "status"));
    st.setString(++i, text(d, "assignee"));
    if (d.path("priority").canConvertToInt()) {
      st.setInt(++i, d.get("priority").asInt());
    } else {
      st.setNull(++i, Types.INTEGER);
    }
    st.setString(++i, json(d, "labels"));
    st.setString(++i, json(d, "dependsOn"));
    st.setString(++i, json(d, "fields"));
    st.setLong(++i, row.version());
    st.setString(++i, text(d, "createdBy"));
    st.setString(++i, Timestamps.format(d.get("createdAt")));
    st.setString(++i, text(d, "updatedBy"));
    st.setString(++i, Timestamps.format(d.get("updatedAt")));
    st.setInt(++i, row.partition());
    st.setLong(++i, row.offset());
    st.setString(++i, d.toString());
    return st.executeUpdate() > 0;
  }

  private static void writeLabels(
      PreparedStatement delete, PreparedStatement insert, ProjectionRow row) throws SQLException {
    JsonNode d = row.data();
    String workspace = workspaceOf(d, row.key());
    String id = d.path("id").asText();
    delete.setString(1, workspace);
    delete.setString(2, id);
    delete.executeUpdate();
    JsonNode labels = d.path("labels");
    if (!labels.isArray() || labels.isEmpty()) {
      return;
    }
    for (JsonNode label : labels) {
      if (label.isTextual()) {
        insert.setString(1, workspace);
        insert.setString(2, id);
        insert.setString(3, label.asText());
        insert.addBatch();
      }
    }
    insert.executeBatch();
  }

  private static int upsertLock(PreparedStatement st, ProjectionRow row) throws SQLException {
    JsonNode d = row.data();
    JsonNode holders = d.path("holders");
    StringJoiner agents = new StringJoiner(",");
    String mode = null;
    for (JsonNode h : holders) {
      agents.add(h.path("agent").asText());
      mode = mode == null ? text(h, "mode") : mode;
    }
    int i = 0;
    st.setString(++i, row.key());
    st.setString(++i, workspaceOf(d, row.key()));
    st.setString(++i, d.path("resource").asText());
    st.setString(++i, mode);
    st.setString(++i, agents.length() == 0 ? null : agents.toString());
    st.setInt(++i, holders.size());
    st.setInt(++i, d.path("queue").size());
    st.setLong(++i, d.path("lastToken").asLong());
    st.setLong(++i, row.version());
    st.setString(++i, Timestamps.format(d.get("updatedAt")));
    st.setInt(++i, row.partition());
    st.setLong(++i, row.offset());
    st.setString(++i, d.toString());
    return st.executeUpdate() > 0 ? 1 : 0;
  }

  private static int insertDecision(PreparedStatement st, ProjectionRow row) throws SQLException {
    JsonNode d = row.data();
    int i = 0;
    st.setString(++i, d.path("workspace").asText());
    st.setLong(++i, row.version());
    st.setString(++i, text(d, "title"));
    st.setString(++i, text(d, "context"));
    st.setString(++i, text(d, "decision"));
    st.setString(++i, text(d, "alternatives"));
    st.setString(++i, text(d, "consequences"));
    if (d.path("supersedes").canConvertToInt()) {
      st.setInt(++i, d.get("supersedes").asInt());
    } else {
      st.setNull(++i, Types.INTEGER);
    }
    st.setString(++i, text(d, "taskId"));
    st.setString(++i, text(d, "agent"));
    st.setString(++i, text(d, "commandId"));
    st.setString(++i, Timestamps.format(d.get("at")));
    st.setInt(++i, row.partition());
    st.setLong(++i, row.offset());
    st.setString(++i, d.toString());
    return st.executeUpdate() > 0 ? 1 : 0;
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

  private static String workspaceOf(JsonNode d, String key) {
    JsonNode ws = d.get("workspace");
    return ws != null && ws.isTextual() ? ws.asText() : AggregateKeys.workspaceOf(key);
  }

  private static String text(JsonNode d, String field) {
    JsonNode v = d.get(field);
    return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
  }

  private static String json(JsonNode d, String field) {
    JsonNode v = d.get(field);
    return v == null || v.isNull() ? null : v.toString();
  }

  private void rollbackQuietly(Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
