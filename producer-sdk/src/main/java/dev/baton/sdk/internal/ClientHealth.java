package dev.baton.sdk.internal;

import dev.baton.sdk.HealthListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the client gets answers. Unhealthy when a command went unanswered within its timeout,
 * could not be sent, or the reply reader hit an error; healthy again with the next outcome read.
 * Listeners hear each change once, on the callback executor.
 */
final class ClientHealth {
  private static final Logger LOG = LoggerFactory.getLogger(ClientHealth.class);

  private final Executor lane;
  private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();
  private boolean healthy = true;

  ClientHealth(Callbacks callbacks) {
    this.lane = callbacks.serial();
  }

  synchronized boolean isHealthy() {
    return healthy;
  }

  void addListener(HealthListener listener) {
    listeners.add(listener);
  }

  void healthy(String reason) {
    change(true, reason);
  }

  void unhealthy(String reason) {
    change(false, reason);
  }

  private synchronized void change(boolean now, String reason) {
    if (healthy == now) {
      return;
    }
    healthy = now;
    if (now) {
      LOG.info("Baton client healthy again: {}", reason);
    } else {
      LOG.warn("Baton client unhealthy: {}", reason);
    }
    // One lane, entered under the lock: listeners hear the changes in the order they happened.
    for (HealthListener l : listeners) {
      lane.execute(Callbacks.guarded("health listener", () -> l.onHealthChanged(now, reason)));
    }
  }
}
