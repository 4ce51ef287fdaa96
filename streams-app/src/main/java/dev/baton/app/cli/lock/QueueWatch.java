package dev.baton.app.cli.lock;

import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.cli.client.ClientFailure;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * While a lock request waits (a long poll), shows its place in the queue on stderr: reads the
 * lock's status every {@link #EVERY} and prints a line whenever the agent's position or the holders
 * change. Best effort: a failed read prints nothing, the long poll reports the outcome.
 */
final class QueueWatch implements AutoCloseable {
  static final Duration EVERY = Duration.ofMillis(500);
  private static final Duration FIRST = Duration.ofMillis(200);

  private final BatonHttpClient http;
  private final String statusPath;
  private final String agent;
  private final PrintWriter err;
  private final ScheduledExecutorService timer;
  private String shown;

  private QueueWatch(BatonHttpClient http, String statusPath, String agent, PrintWriter err) {
    this.http = http;
    this.statusPath = statusPath;
    this.agent = agent;
    this.err = err;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-lock-queue-watch");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts watching the lock at {@code statusPath} for {@code agent}'s request. */
  static QueueWatch start(BatonHttpClient http, String statusPath, String agent, PrintWriter err) {
    QueueWatch watch = new QueueWatch(http, statusPath, agent, err);
    watch.timer.scheduleWithFixedDelay(
        watch::poll, FIRST.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return watch;
  }

  private void poll() {
    ApiResponse status;
    try {
      status = http.get(statusPath);
    } catch (ClientFailure e) {
      return;
    }
    if (!status.ok()) {
      return;
    }
    String line = LockFormat.queueLine(status.body(), agent);
    if (line != null && !line.equals(shown)) {
      shown = line;
      err.println(line);
      err.flush();
    }
  }

  /** Stops watching; no line is printed after this returns. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
