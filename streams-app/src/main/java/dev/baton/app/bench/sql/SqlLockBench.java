package dev.baton.app.bench.sql;

import dev.baton.app.bench.ContentionWorkload;
import dev.baton.sdk.protocol.LockMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The contention workload of {@link dev.baton.app.bench.ContentionWorkload} on a SQL database, with
 * the same semantics as Baton's locks, as the {@code contention} baseline:
 *
 * <ul>
 *   <li>one FIFO queue per resource across both modes: a request takes a ticket (in commit order,
 *       under the resource's row lock) and is granted when no earlier request that conflicts with
 *       it is still queued or held; an exclusive request conflicts with everything, a collaborative
 *       one with exclusive ones only;
 *   <li>{@code EXCLUSIVE}: read the counter, then a blind write of counter + 1, fenced: it applies
 *       only while the ticket is still granted;
 *   <li>{@code COLLABORATIVE}: read counter and version, write with {@code WHERE version = ?}; a
 *       stale write changes nothing and is retried on a fresh read.
 * </ul>
 *
 * Waiting requests sleep until a release of their resource wakes them ({@link Waker}), with a 100
 * ms re-check as a safety net. Every ticket is kept with its grant sequence, so FIFO order is
 * checked after the run from the table itself.
 */
public final class SqlLockBench implements AutoCloseable {
  private static final Duration RECHECK = Duration.ofMillis(100);

  /** What to run: the same spec as Baton's workload. */
  public record Spec(int agents, LockMode mode, List<String> taskIds, int opsPerAgent) {}

  /**
   * What happened: the counts of Baton's workload (the same formulas for success rate, lost updates
   * and throughput) plus the FIFO violations read back from the ticket table.
   */
  public record Result(ContentionWorkload.Result counts, long fcfsViolations) {
    public double successRate() {
      return counts.successRate();
    }

    public long increments() {
      return counts.increments();
    }

    public long lostUpdates() {
      return counts.lostUpdates();
    }

    public double opsPerSecond() {
      return counts.opsPerSecond();
    }
  }

  private final SqlTarget target;
  private final BlockingQueue<Connection> pool;
  private final List<Connection> all = new ArrayList<>();
  private final Waker waker;

  private SqlLockBench(SqlTarget target, int connections) throws SQLException {
    this.target = target;
    this.pool = new ArrayBlockingQueue<>(connections);
    try {
      for (int i = 0; i < connections; i++) {
        Connection c = target.connect();
        all.add(c);
        pool.add(c);
      }
      this.waker = target.waker();
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Connects {@code connections} connections to {@code target} and creates its tables. */
  public static SqlLockBench open(SqlTarget target, int connections) throws SQLException {
    SqlLockBench bench = new SqlLockBench(target, connections);
    bench.inTransaction(
        c -> {
          try (Statement st = c.createStatement()) {
            st.execute(
                "CREATE TABLE resources (id VARCHAR(200) PRIMARY KEY, next_ticket BIGINT NOT NULL,"
                    + " grants BIGINT NOT NULL)");
            st.execute(
                "CREATE TABLE lock_queue (resource VARCHAR(200) NOT NULL, ticket BIGINT NOT NULL,"
                    + " mode VARCHAR(20) NOT NULL, grant_seq BIGINT, released INTEGER NOT NULL,"
                    + " PRIMARY KEY (resource, ticket))");
            st.execute(
                "CREATE TABLE tasks (id VARCHAR(200) PRIMARY KEY, counter BIGINT NOT NULL,"
                    + " version BIGINT NOT NULL)");
          }
          return null;
        });
    return bench;
  }

  public String name() {
    return target.name();
  }

  /** The database and settings, and the connections the run may use. */
  public String describe() {
    return target.describe() + ", " + all.size() + " pooled connections";
  }

  /** Runs one round: creates its hot tasks, runs every agent, checks the queue history. */
  public Result run(Spec spec) throws Exception {
    inTransaction(
        c -> {
          for (String id : spec.taskIds()) {
            update(c, "INSERT INTO tasks (id, counter, version) VALUES (?, 0, 1)", id);
            update(c, "INSERT INTO resources (id, next_ticket, grants) VALUES (?, 1, 0)", res(id));
          }
          return null;
        });
    AtomicLong acquisitions = new AtomicLong();
    AtomicLong granted = new AtomicLong();
    AtomicLong increments = new AtomicLong();
    AtomicLong conflicts = new AtomicLong();
    ExecutorService agents = Executors.newFixedThreadPool(spec.agents());
    long start = System.nanoTime();
    try {
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (int i = 0; i < spec.agents(); i++) {
        int index = i;
        running.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int k = 0; k < spec.opsPerAgent(); k++) {
                    String taskId = spec.taskIds().get((index + k) % spec.taskIds().size());
                    acquisitions.incrementAndGet();
                    long ticket = acquire(res(taskId), spec.mode());
                    granted.incrementAndGet();
                    conflicts.addAndGet(increment(taskId, ticket, spec.mode()));
                    increments.incrementAndGet();
                    release(res(taskId), ticket);
                  }
                },
                agents));
      }
      for (CompletableFuture<Void> f : running) {
        f.join();
      }
    } finally {
      agents.shutdownNow();
      agents.awaitTermination(10, TimeUnit.SECONDS);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long sum = 0;
    long violations = 0;
    for (String id : spec.taskIds()) {
      sum += counterOf(id);
      violations += fifoViolations(res(id));
    }
    return new Result(
        new ContentionWorkload.Result(
            acquisitions.get(), granted.get(), increments.get(), conflicts.get(), sum, seconds),
        violations);
  }

  private static String res(String taskId) {
    return "task/" + taskId;
  }

  /** Takes a ticket and waits until it is granted; returns the ticket. */
  private long acquire(String resource, LockMode mode) {
    long ticket =
        inTransaction(
            c -> {
              long t = lockResource(c, resource)[0];
              update(
                  c, "UPDATE resources SET next_ticket = next_ticket + 1 WHERE id = ?", resource);
              try (PreparedStatement st =
                  c.prepareStatement(
                      "INSERT INTO lock_queue (resource, ticket, mode, grant_seq, released)"
                          + " VALUES (?, ?, ?, NULL, 0)")) {
                st.setString(1, resource);
                st.setLong(2, t);
                st.setString(3, mode.name());
                st.executeUpdate();
              }
              return tryGrant(c, resource, t, mode, false) ? -t : t;
            });
    if (ticket < 0) {
      return -ticket;
    }
    while (true) {
      long seen = waker.generation(resource);
      boolean got = inTransaction(c -> tryGrant(c, resource, ticket, mode, true));
      if (got) {
        return ticket;
      }
      waker.await(resource, seen, RECHECK);
    }
  }

  /** Grants {@code ticket} if nothing conflicting is ahead of it; within the caller's tx. */
  private boolean tryGrant(
      Connection c, String resource, long ticket, LockMode mode, boolean lockFirst)
      throws SQLException {
    long[] row = lockFirst ? lockResource(c, resource) : null;
    String sql =
        "SELECT COUNT(*) FROM lock_queue WHERE resource = ? AND released = 0 AND ticket < ?"
            + (mode == LockMode.EXCLUSIVE ? "" : " AND mode = 'EXCLUSIVE'");
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, resource);
      st.setLong(2, ticket);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return false;
        }
      }
    }
    long seq = (row != null ? row[1] : lockResource(c, resource)[1]) + 1;
    update(c, "UPDATE resources SET grants = grants + 1 WHERE id = ?", resource);
    try (PreparedStatement st =
        c.prepareStatement(
            "UPDATE lock_queue SET grant_seq = ? WHERE resource = ? AND ticket = ?")) {
      st.setLong(1, seq);
      st.setString(2, resource);
      st.setLong(3, ticket);
      st.executeUpdate();
    }
    return true;
  }

  /** Locks the resource row for the transaction; returns {next ticket, grants so far}. */
  private long[] lockResource(Connection c, String resource) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT next_ticket, grants FROM resources WHERE id = ?" + target.forUpdate())) {
      st.setString(1, resource);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("no resource " + resource);
        }
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  /** One read-modify-write under the lock; returns the version conflicts retried. */
  private long increment(String taskId, long ticket, LockMode mode) {
    long retries = 0;
    while (true) {
      long[] current = read(taskId);
      int changed =
          inTransaction(
              c -> {
                String sql =
                    mode == LockMode.EXCLUSIVE
                        ? "UPDATE tasks SET counter = ?, version = version + 1 WHERE id = ? AND"
                            + " EXISTS (SELECT 1 FROM lock_queue WHERE resource = ? AND ticket = ?"
                            + " AND grant_seq IS NOT NULL AND released = 0)"
                        : "UPDATE tasks SET counter = ?, version = version + 1 WHERE id = ? AND"
                            + " version = ?";
                try (PreparedStatement st = c.prepareStatement(sql)) {
                  st.setLong(1, current[0] + 1);
                  st.setString(2, taskId);
                  if (mode == LockMode.EXCLUSIVE) {
                    st.setString(3, res(taskId));
                    st.setLong(4, ticket);
                  } else {
                    st.setLong(3, current[1]);
                  }
                  return st.executeUpdate();
                }
              });
      if (changed == 1) {
        return retries;
      }
      if (mode == LockMode.EXCLUSIVE) {
        throw new IllegalStateException("fenced write of " + taskId + " refused");
      }
      retries++;
    }
  }

  /** {counter, version} of a task, read outside any transaction. */
  private long[] read(String taskId) {
    Connection c = borrow();
    try (PreparedStatement st =
        c.prepareStatement("SELECT counter, version FROM tasks WHERE id = ?")) {
      st.setString(1, taskId);
      long[] row;
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        row = new long[] {rs.getLong(1), rs.getLong(2)};
      }
      target.endRead(c);
      return row;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read task " + taskId + ": " + e.getMessage(), e);
    } finally {
      pool.add(c);
    }
  }

  private void release(String resource, long ticket) {
    inTransaction(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement(
                  "UPDATE lock_queue SET released = 1 WHERE resource = ? AND ticket = ?")) {
            st.setString(1, resource);
            st.setLong(2, ticket);
            st.executeUpdate();
          }
          target.notifyInTransaction(c, resource);
          return null;
        });
    waker.afterCommit(resource);
  }

  private long counterOf(String taskId) {
    return read(taskId)[0];
  }

  /**
   * Grants that overtook an earlier, conflicting request of the same resource: for each ticket,
   * whether some earlier ticket it conflicts with was granted after it.
   */
  private long fifoViolations(String resource) {
    List<long[]> rows = new ArrayList<>();
    Map<Long, Boolean> exclusive = new HashMap<>();
    inTransaction(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement(
                  "SELECT ticket, mode, grant_seq FROM lock_queue WHERE resource = ? ORDER BY"
                      + " ticket")) {
            st.setString(1, resource);
            try (ResultSet rs = st.executeQuery()) {
              while (rs.next()) {
                long grant = rs.getLong(3);
                rows.add(new long[] {rs.getLong(1), rs.wasNull() ? Long.MAX_VALUE : grant});
                exclusive.put(rs.getLong(1), LockMode.EXCLUSIVE.name().equals(rs.getString(2)));
              }
            }
          }
          return null;
        });
    long violations = 0;
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < i; j++) {
        boolean conflict = exclusive.get(rows.get(i)[0]) || exclusive.get(rows.get(j)[0]);
        if (conflict && rows.get(j)[1] > rows.get(i)[1]) {
          violations++;
          break;
        }
      }
    }
    return violations;
  }

  private static void update(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, arg);
      st.executeUpdate();
    }
  }

  /** A unit of work in one transaction on a pooled connection. */
  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T inTransaction(Work<T> work) {
    Connection c = borrow();
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          target.begin(c);
          T result = work.run(c);
          target.commit(c);
          return result;
        } catch (SQLException e) {
          rollbackQuietly(c);
          if (!target.isRetryable(e) || attempt >= 20) {
            throw new IllegalStateException(
                target.name() + " transaction failed: " + e.getMessage(), e);
          }
        }
      }
    } finally {
      pool.add(c);
    }
  }

  private Connection borrow() {
    try {
      return pool.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void rollbackQuietly(Connection c) {
    try {
      target.rollback(c);
    } catch (SQLException e) {
      // the connection is broken; the next use reports it
    }
  }

  @Override
  public void close() {
    if (waker != null) {
      waker.close();
    }
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
    target.drop();
  }
}
