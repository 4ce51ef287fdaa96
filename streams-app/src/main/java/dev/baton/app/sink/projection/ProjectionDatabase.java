package dev.baton.app.sink.projection;

import dev.baton.app.config.Redaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One connection to a projection database, SQLite or PostgreSQL, with its schema checked: a
 * writable one is migrated to {@link Migrations#CURRENT}; a read-only one must already be there.
 */
public final class ProjectionDatabase implements AutoCloseable {
  private final String url;
  private final Dialect dialect;
  private final Connection connection;

  private ProjectionDatabase(String url, Dialect dialect, Connection connection) {
    this.url = url;
    this.dialect = dialect;
    this.connection = connection;
  }

  /** Opens (creating a SQLite file if needed) and migrates the projection at {@code jdbcUrl}. */
  public static ProjectionDatabase open(String jdbcUrl) throws SQLException {
    Dialect dialect = Dialect.of(jdbcUrl);
    Connection connection = dialect.open(jdbcUrl, false);
    try {
      Migrations.apply(connection, dialect);
      return new ProjectionDatabase(jdbcUrl, dialect, connection);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection, e);
      throw e;
    }
  }

  /**
   * Opens an existing projection read-only.
   *
   * @throws SQLException naming the URL when there is no projection there
   */
  public static ProjectionDatabase openReadOnly(String jdbcUrl) throws SQLException {
    Dialect dialect = Dialect.of(jdbcUrl);
    if (dialect == Dialect.SQLITE) {
      Path file = Path.of(sqliteFile(jdbcUrl));
      if (!Files.isRegularFile(file)) {
        throw new SQLException("there is no projection at " + file.toAbsolutePath());
      }
    }
    Connection connection = dialect.open(jdbcUrl, true);
    try {
      int version;
      try {
        version = Migrations.currentVersion(connection);
      } catch (SQLException e) {
        throw new SQLException(
            "there is no projection at "
                + Redaction.jdbcUrl(jdbcUrl)
                + " ("
                + Redaction.secretsIn(e.getMessage())
                + ")",
            e);
      }
      if (version != Migrations.CURRENT) {
        throw new SQLException(
            "the projection at "
                + Redaction.jdbcUrl(jdbcUrl)
                + " has schema version "
                + version
                + "; this Baton reads version "
                + Migrations.CURRENT);
      }
      return new ProjectionDatabase(jdbcUrl, dialect, connection);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection, e);
      throw e;
    }
  }

  /** The file of a {@code jdbc:sqlite:} URL, without URL parameters. */
  public static String sqliteFile(String jdbcUrl) {
    String file = jdbcUrl.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    return query >= 0 ? file.substring(0, query) : file;
  }

  public String url() {
    return url;
  }

  public Dialect dialect() {
    return dialect;
  }

  public Connection connection() {
    return connection;
  }

  public ProjectionWriter writer() {
    return new ProjectionWriter(connection);
  }

  /** A consistent read snapshot; close it when done. */
  public ProjectionReader snapshot() throws SQLException {
    return new ProjectionReader(connection, dialect);
  }

  /** Whether the projection holds no rows and no offsets. */
  public boolean isEmpty() throws Exception {
    try (ProjectionReader reader = snapshot()) {
      return reader.topics().isEmpty() && reader.counts().values().stream().allMatch(n -> n == 0);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  private static void closeQuietly(Connection c, Exception cause) {
    try {
      c.close();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
