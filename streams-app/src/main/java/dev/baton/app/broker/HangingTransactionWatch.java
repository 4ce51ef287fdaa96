package dev.baton.app.broker;

import dev.baton.app.runtime.DaemonThreads;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes the transactions left hanging by a broker's crash (KAFKA-20734; {@link
 * HangingTransactions#completeHanging}), as their coordinator decided, with one admin client for
 * every check. A node {@link #watch watches} for its whole life: a hang on {@code
 * __consumer_offsets} keeps the topology from running (after the node's start with the embedded
 * broker, or after any broker's restart on a cluster), one on an output partition stalls the
 * gateway's answers and the sinks. It looks every second while the topology does not run, every 2 s
 * for the first two minutes, and every 5 s after.
 *
 * <p>No minimum age is asked of a transaction: what makes a completion safe is the coordinator's
 * recorded decision, not time (a transaction the coordinator still tracks is never touched, and one
 * without a decision is left open), so a hang is repaired at the first check that sees it. One
 * without a decision is reported at ERROR once, when it is older than {@code reportAfter} (the
 * producers' transaction timeout): younger, it may be a transaction whose coordinator has not
 * reloaded yet after the broker's start, and it is looked at again at the next check.
 *
 * <p>Its {@link HangingTransactions.Scope} decides what it may touch: everything on the embedded
 * broker, only the node's application's transactions on its own topics on a shared cluster.
 */
public final class HangingTransactionWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HangingTransactionWatch.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** How often it looks while the topology does not run. */
  static final Duration WHILE_NOT_RUNNING = Duration.ofSeconds(1);

  /** How often, and for how long after the watch starts, it looks while the topology runs. */
  static final Duration AFTER_START = Duration.ofSeconds(2);

  static final Duration START_PERIOD = Duration.ofMinutes(2);

  /** How often it looks while the topology runs, after {@link #START_PERIOD}. */
  static final Duration STEADY = Duration.ofSeconds(5);

  private final Map<String, Object> clientSettings;
  private final Duration reportAfter;
  private final HangingTransactions.Scope scope;
  private final Admin admin;
  private final StalePendingOffsets stale;
  private final Set<HangingTransactions.OpenTransaction> reported = new HashSet<>();
  private ScheduledExecutorService executor;
  private String lastFailure = "";

  /**
   * Over {@code clientSettings}, for the transactions in {@code scope}, reporting undecided hangs
   * after {@code reportAfter}.
   */
  public HangingTransactionWatch(
      Map<String, Object> clientSettings, Duration reportAfter, HangingTransactions.Scope scope) {
    this(clientSettings, reportAfter, scope, null);
  }

  /**
   * As above, and while the topology does not run, it also clears the aborted offsets the group
   * coordinator of consumer group {@code groupId} (the topology's) may keep pending ({@link
   * StalePendingOffsets}); {@code null} for no group.
   */
  public HangingTransactionWatch(
      Map<String, Object> clientSettings,
      Duration reportAfter,
      HangingTransactions.Scope scope,
      String groupId) {
    this.clientSettings = Map.copyOf(clientSettings);
    this.reportAfter = reportAfter;
    this.scope = scope;
    this.stale = groupId == null ? null : new StalePendingOffsets(groupId, scope, clientSettings);
    this.admin = Admin.create(clientSettings);
  }

  /**
   * Looks once for hanging transactions in scope and completes those whose decision the
   * coordinators' log holds; returns what it did. A failure to look is logged (at WARN when it
   * differs from the previous one) and answered with no repairs: the next check tries again.
   */
  public synchronized List<HangingTransactions.Repair> check() {
    List<HangingTransactions.Repair> repairs;
    try {
      repairs =
          HangingTransactions.completeHanging(admin, clientSettings, scope, Duration.ZERO, TIMEOUT);
      lastFailure = "";
    } catch (ExecutionException | TimeoutException | RuntimeException | InterruptedException e) {
      return lookFailed("hanging transactions", e);
    }
    long now = System.currentTimeMillis();
    for (HangingTransactions.Repair r : repairs) {
      HangingTransactions.OpenTransaction t = r.transaction();
      if (r.completed() || reported.contains(t)) {
        continue;
      }
      if (now - t.lastTimestamp() > reportAfter.toMillis()) {
        reported.add(t);
        LOG.error(
            "a transaction hangs on {} ({}) and could not be completed ({}); it is left open: see"
                + " docs/operations.md, 'Hanging transactions after a crash'",
            t.partition(),
            t,
            r.detail());
      } else {
        LOG.info(
            "a transaction open on {} has no decision yet ({}); looking again", t.partition(), t);
      }
    }
    return repairs;
  }

  /**
   * Looks once for offsets the topology's group coordinator keeps pending for an aborted
   * transaction, and clears them once two looks in a row agree ({@link StalePendingOffsets});
   * returns the producers whose abort it wrote again. A failure to look is logged as in {@link
   * #check}.
   */
  public synchronized List<StalePendingOffsets.Candidate> checkStaleOffsets() {
    if (stale == null) {
      return List.of();
    }
    try {
      return stale.check(admin, TIMEOUT);
    } catch (ExecutionException | TimeoutException | RuntimeException | InterruptedException e) {
      return lookFailed("offsets held pending", e);
    }
  }

  /**
   * Logs a failed look at WARN when it differs from the previous failure (the next look tries
   * again) and answers that nothing was done.
   */
  private <T> List<T> lookFailed(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return List.of();
    }
    String failure = e.toString();
    if (!failure.equals(lastFailure)) {
      LOG.warn("could not look for {}: {}", what, failure);
    }
    lastFailure = failure;
    return List.of();
  }

  /**
   * How long after the last check the next one is due: {@link #WHILE_NOT_RUNNING} while the
   * topology does not run, else {@link #AFTER_START} during the {@link #START_PERIOD} after the
   * watch started and {@link #STEADY} after it.
   */
  static Duration interval(boolean topologyRunning, Duration sinceStart) {
    if (!topologyRunning) {
      return WHILE_NOT_RUNNING;
    }
    return sinceStart.compareTo(START_PERIOD) < 0 ? AFTER_START : STEADY;
  }

  /**
   * Runs {@link #check} in a thread of its own until {@link #close}, as often as {@link #interval}
   * says for what {@code topologyRunning} answers.
   */
  public synchronized void watch(BooleanSupplier topologyRunning) {
    if (executor != null) {
      throw new IllegalStateException("already watching");
    }
    executor = DaemonThreads.scheduler("baton-hanging-transaction-watch");
    long started = System.nanoTime();
    long[] lastCheck = {started};
    executor.scheduleWithFixedDelay(
        () -> {
          long now = System.nanoTime();
          boolean running = topologyRunning.getAsBoolean();
          Duration due = interval(running, Duration.ofNanos(now - started));
          // A tenth of a tick's slack: the scheduler's delay counts from the last check's end.
          if (now - lastCheck[0] >= due.toNanos() - WHILE_NOT_RUNNING.toNanos() / 10) {
            check();
            if (!running) {
              // Offsets held pending keep the topology from running; they are not looked for
              // while it runs.
              checkStaleOffsets();
            }
            lastCheck[0] = System.nanoTime();
          }
        },
        WHILE_NOT_RUNNING.toMillis(),
        WHILE_NOT_RUNNING.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    ScheduledExecutorService running;
    synchronized (this) {
      running = executor;
    }
    if (running != null) {
      DaemonThreads.stop(running);
    }
    admin.close(Duration.ofSeconds(5));
  }
}
