package dev.baton.app.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/** Named daemon threads for a node's background work (a thread dump names what each one does). */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Makes daemon threads named {@code name}. */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** A single-threaded scheduler on a daemon thread named {@code name}. */
  public static ScheduledExecutorService scheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(named(name));
  }

  /** Stops {@code executor}: interrupts its work and waits up to 15 s for it to end. */
  public static void stop(ExecutorService executor) {
    executor.shutdownNow();
    try {
      executor.awaitTermination(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
