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
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes the transactions left hanging on the embedded broker (KAFKA-20734; {@link
 * HangingTransactions#completeHanging}), as their coordinator decided, with one admin client for
 * every check. A node calls {@link #check} while its topology waits to run and then {@link
 * #watchFor} a while after: a hang on {@code __consumer_offsets} keeps the topology from running,
 * one on an output partition stalls the gateway's answers and the sinks.
 *
 * <p>No minimum age is asked of a transaction: what makes a completion safe is the coordinator's
 * recorded decision, not time (a transaction the coordinator still tracks is never touched, and one
 * without a decision is left open), so a hang is repaired at the first check that sees it. One
 * without a decision is reported at ERROR once, when it is older than {@code reportAfter} (the
 * producers' transaction timeout): younger, it may be a transaction whose coordinator has not
 * reloaded yet after the broker's start, and it is looked at again at the next check.
 */
public final class HangingTransactionWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HangingTransactionWatch.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Map<String, Object> clientSettings;
  private final Duration reportAfter;
  private final Admin admin;
  private final Set<HangingTransactions.OpenTransaction> reported = new HashSet<>();
  private ScheduledExecutorService executor;
  private String lastFailure = "";

  /**
   * Over {@code clientSettings} (the embedded broker's), reporting undecided hangs after {@code
   * reportAfter}.
   */
  public HangingTransactionWatch(Map<String, Object> clientSettings, Duration reportAfter) {
    this.clientSettings = Map.copyOf(clientSettings);
    this.reportAfter = reportAfter;
    this.admin = Admin.create(clientSettings);
  }

  /**
   * Looks once for hanging transactions on every partition and completes those whose decision the
   * coordinators' log holds; returns what it did. A failure to look is logged (at WARN when it
   * differs from the previous one) and answered with no repairs: the next check tries again.
   */
  public synchronized List<HangingTransactions.Repair> check() {
    List<HangingTransactions.Repair> repairs;
    try {
      repairs =
          HangingTransactions.completeHanging(
              admin, clientSettings, topic -> true, Duration.ZERO, TIMEOUT);
      lastFailure = "";
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      String failure = e.toString();
      if (!failure.equals(lastFailure)) {
        LOG.warn("could not check the embedded broker for hanging transactions: {}", failure);
      }
      lastFailure = failure;
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
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

  /** Runs {@link #check} every {@code every} in a thread of its own, for {@code period}. */
  public synchronized void watchFor(Duration period, Duration every) {
    if (executor != null) {
      throw new IllegalStateException("already watching");
    }
    executor = DaemonThreads.scheduler("baton-hanging-transaction-watch");
    executor.scheduleWithFixedDelay(
        this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    executor.schedule(executor::shutdown, period.toMillis(), TimeUnit.MILLISECONDS);
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
