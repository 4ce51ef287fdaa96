package dev.baton.app.bench.sql;

import java.sql.Connection;
import java.sql.SQLException;

/** A database the SQL baseline runs on: how to connect, lock, notify and clean up. */
public interface SqlTarget {
  /** {@code sqlite} or {@code postgresql}: the prefix of the baseline's metric names. */
  String name();

  /** A new connection on this run's own tables. */
  Connection connect() throws SQLException;

  /** Starts a read-write transaction. */
  void begin(Connection c) throws SQLException;

  void commit(Connection c) throws SQLException;

  void rollback(Connection c) throws SQLException;

  /** Ends what a plain read outside {@link #begin} may have started. */
  void endRead(Connection c) throws SQLException;

  /** What makes a {@code SELECT} lock the row it reads ({@code ""} where writes serialize). */
  String forUpdate();

  /** Whether a failed transaction may simply be run again (busy, serialization, deadlock). */
  boolean isRetryable(SQLException e);

  /** Makes the release committed by this transaction wake the resource's waiters. */
  void notifyInTransaction(Connection c, String resource) throws SQLException;

  /** The waker the waiters sleep on. */
  Waker waker() throws SQLException;

  /** Removes everything this run created. */
  void drop();

  /** What the run used, for the result's config. */
  String describe();
}
