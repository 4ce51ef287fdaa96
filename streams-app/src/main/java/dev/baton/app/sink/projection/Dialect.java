package dev.baton.app.sink.projection;

import dev.baton.app.config.Redaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import org.sqlite.SQLiteConfig;

/**
 * The databases the projection runs on. The schema and the statements are the same for both
 * (upserts are {@code INSERT ... ON CONFLICT ... DO UPDATE ... WHERE}); only opening a connection
 * differs.
 */
public enum Dialect {
  /**
   * SQLite through {@code sqlite-jdbc}: WAL journal (readers never block the writer), {@code
   * synchronous=NORMAL} (a commit survives a process crash; a power loss may roll back the newest
   * transactions, rows and offsets together, which the sink then re-applies), immediate write
   * transactions and a 10 s busy timeout.
   */
  SQLITE,
  /** PostgreSQL through its JDBC driver; several sink instances may share it. */
  POSTGRESQL;

  private static final int BUSY_TIMEOUT_MS = 10_000;

  /** The dialect of a JDBC URL; a plain path is read as a SQLite file. */
  public static Dialect of(String jdbcUrl) {
    String url = jdbcUrl.toLowerCase(Locale.ROOT);
    if (url.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "unsupported JDBC URL '"
            + Redaction.jdbcUrl(jdbcUrl)
            + "': use jdbc:sqlite:<file> or jdbc:postgresql://...");
  }

  /**
   * A JDBC URL for {@code target}: itself when it is one ({@code jdbc:...}), else a SQLite file
   * path.
   */
  public static String urlOf(String target) {
    return target.startsWith("jdbc:") ? target : "jdbc:sqlite:" + Path.of(target);
  }

  /** Opens a connection; a read-only one cannot change anything, whatever SQL it runs. */
  public Connection open(String jdbcUrl, boolean readOnly) throws SQLException {
    if (this == SQLITE) {
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(BUSY_TIMEOUT_MS);
      if (readOnly) {
        config.setReadOnly(true);
      } else {
        createParentDir(jdbcUrl);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      }
      return config.createConnection(jdbcUrl);
    }
    Connection connection = DriverManager.getConnection(jdbcUrl);
    if (readOnly) {
      connection.setReadOnly(true);
    }
    return connection;
  }

  private static void createParentDir(String jdbcUrl) throws SQLException {
    String file = jdbcUrl.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) {
      return;
    }
    Path parent = Path.of(file).toAbsolutePath().getParent();
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create the directory of " + file + ": " + e.getMessage(), e);
    }
  }
}
