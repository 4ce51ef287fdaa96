package dev.baton.app.sink.projection;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Projection databases for tests: a SQLite file in a temp dir, or a schema of its own (created
 * here, dropped on close) in the local PostgreSQL ({@value #POSTGRES_ENV} overrides the URL; the
 * default is database {@code test} on 127.0.0.1:5432 as user {@code postgres}). PostgreSQL tests
 * fail, not skip, when the server is not there: {@code .ci/run} starts it.
 */
public final class TestDatabases {
  public static final String POSTGRES_ENV = "BATON_TEST_POSTGRES_URL";
  private static final String POSTGRES_DEFAULT =
      "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private TestDatabases() {}

  /** A database the test owns; closing drops it (PostgreSQL). */
  public record TestDb(Dialect dialect, String url, String schema) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      if (schema != null) {
        try (Connection c = DriverManager.getConnection(postgresBase());
            Statement st = c.createStatement()) {
          st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
      }
    }
  }

  public static String postgresBase() {
    String env = System.getenv(POSTGRES_ENV);
    return env == null || env.isBlank() ? POSTGRES_DEFAULT : env;
  }

  /** A fresh, empty database of {@code dialect}; SQLite files go to {@code dir}. */
  public static TestDb create(Dialect dialect, Path dir) throws SQLException {
    String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    if (dialect == Dialect.SQLITE) {
      return new TestDb(
          dialect, "jdbc:sqlite:" + dir.resolve("projection-" + unique + ".db"), null);
    }
    String schema = "baton_test_" + unique;
    try (Connection c = DriverManager.getConnection(postgresBase());
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    }
    String base = postgresBase();
    return new TestDb(
        dialect, base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema, schema);
  }
}
