package dev.baton.app.bench.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * SQLite in WAL mode in this process, one file per run. Writes serialize on SQLite's write lock
 * ({@code BEGIN IMMEDIATE}, waiting up to a minute); reads run outside transactions; {@code
 * synchronous=NORMAL} does not fsync on commit, like a Kafka broker acknowledging a write that is
 * in its page cache. A release wakes the waiters directly, since they live in the same process.
 */
public final class SqliteTarget implements SqlTarget {
  private final Path file;

  public SqliteTarget(Path dir) {
    this.file = dir.resolve("contention.db");
  }

  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public Connection connect() throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(60_000);
    // Auto-commit stays on: the driver would otherwise open the next transaction at once after
    // every commit; transactions are begun explicitly instead (begin below).
    return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
  }

  /** {@code BEGIN IMMEDIATE}: take the write lock up front, so a read never has to upgrade. */
  @Override
  public void begin(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
    }
  }

  @Override
  public void commit(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("COMMIT");
    }
  }

  @Override
  public void rollback(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
      return;
    }
    try (Statement st = c.createStatement()) {
      st.execute("ROLLBACK");
    } catch (SQLException e) {
      // no transaction was open
    }
  }

  @Override
  public void endRead(Connection c) {}

  @Override
  public String forUpdate() {
    return "";
  }

  @Override
  public boolean isRetryable(SQLException e) {
    // Extended result codes (SQLITE_BUSY_SNAPSHOT, ...) keep the primary code in the low byte.
    int primary = e.getErrorCode() & 0xff;
    return primary == SQLiteErrorCode.SQLITE_BUSY.code
        || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
  }

  @Override
  public void notifyInTransaction(Connection c, String resource) {}

  @Override
  public Waker waker() {
    return new Waker();
  }

  @Override
  public void drop() {
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      try {
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
      } catch (IOException e) {
        // a scratch file; the run's directory goes too
      }
    }
  }

  @Override
  public String describe() {
    return "SQLite " + org.sqlite.SQLiteJDBCLoader.getVersion() + ", WAL, synchronous=NORMAL";
  }
}
