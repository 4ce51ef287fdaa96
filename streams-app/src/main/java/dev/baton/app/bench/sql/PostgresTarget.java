package dev.baton.app.bench.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local PostgreSQL, in a schema of its own per run (dropped after). Resource rows are locked
 * with {@code SELECT ... FOR UPDATE}; a release sends {@code NOTIFY} in its transaction and one
 * listening connection wakes the waiters, which is how separate processes would coordinate. Each
 * session sets {@code synchronous_commit=off}: like a Kafka broker (and SQLite with {@code
 * synchronous=NORMAL}), a commit is acknowledged before it is fsynced.
 */
public final class PostgresTarget implements SqlTarget {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresTarget.class);

  private final String url;
  private final String schema = "bench_" + UUID.randomUUID().toString().replace("-", "");
  private final String channel = schema + "_release";
  private String version = "?";

  private PostgresTarget(String url) {
    this.url = url;
  }

  /** Connects once to check the server and creates the run's schema. */
  public static PostgresTarget create(String url) throws SQLException {
    PostgresTarget t = new PostgresTarget(url);
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + t.schema);
      try (ResultSet rs = st.executeQuery("SHOW server_version")) {
        rs.next();
        t.version = rs.getString(1);
      }
    }
    return t;
  }

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection(url);
    try (Statement st = c.createStatement()) {
      st.execute("SET search_path TO " + schema);
      st.execute("SET synchronous_commit TO off");
    }
    c.setAutoCommit(false);
    return c;
  }

  @Override
  public void begin(Connection c) {}

  @Override
  public void commit(Connection c) throws SQLException {
    c.commit();
  }

  @Override
  public void rollback(Connection c) throws SQLException {
    c.rollback();
  }

  @Override
  public void endRead(Connection c) throws SQLException {
    c.commit();
  }

  @Override
  public String forUpdate() {
    return " FOR UPDATE";
  }

  @Override
  public boolean isRetryable(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state);
  }

  @Override
  public void notifyInTransaction(Connection c, String resource) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      st.setString(1, channel);
      st.setString(2, resource);
      st.execute();
    }
  }

  @Override
  public Waker waker() throws SQLException {
    return new Listener(DriverManager.getConnection(url));
  }

  /** Wakes waiters from {@code NOTIFY}s, read by one thread on a connection of its own. */
  private final class Listener extends Waker {
    private final Connection connection;
    private final Thread thread;
    private volatile boolean closed;

    Listener(Connection connection) throws SQLException {
      this.connection = connection;
      try (Statement st = connection.createStatement()) {
        st.execute("LISTEN " + channel);
      }
      PGConnection pg = connection.unwrap(PGConnection.class);
      thread =
          new Thread(
              () -> {
                while (!closed) {
                  try {
                    PGNotification[] notes =
                        pg.getNotifications((int) Duration.ofMillis(200).toMillis());
                    if (notes != null) {
                      for (PGNotification n : notes) {
                        signal(n.getParameter());
                      }
                    }
                  } catch (SQLException e) {
                    if (!closed) {
                      LOG.warn("PostgreSQL listener stopped: {}", e.toString());
                    }
                    return;
                  }
                }
              },
              "bench-postgres-listener");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    void afterCommit(String resource) {
      // Waiters are woken by the NOTIFY, as they would be in another process.
    }

    @Override
    public void close() {
      closed = true;
      try {
        thread.join(1_000);
        connection.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (SQLException e) {
        // closing anyway
      }
    }
  }

  @Override
  public void drop() {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      LOG.warn("could not drop the benchmark schema {}: {}", schema, e.toString());
    }
  }

  @Override
  public String describe() {
    return "PostgreSQL " + version + " (local), synchronous_commit=off per session";
  }
}
