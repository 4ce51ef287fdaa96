package dev.baton.app.bench.sql;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes requests waiting for a resource when it is released. A waiter reads the resource's
 * generation before it checks the queue and sleeps only while the generation is unchanged, so a
 * release between the check and the sleep is never missed.
 */
class Waker implements AutoCloseable {
  private final Map<String, Generation> generations = new ConcurrentHashMap<>();

  private static final class Generation {
    long value;
  }

  private Generation of(String resource) {
    return generations.computeIfAbsent(resource, r -> new Generation());
  }

  long generation(String resource) {
    Generation g = of(resource);
    synchronized (g) {
      return g.value;
    }
  }

  /** Sleeps until the generation of {@code resource} differs from {@code seen}, or the timeout. */
  void await(String resource, long seen, Duration timeout) {
    Generation g = of(resource);
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (g) {
      while (g.value == seen) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          g.wait(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    }
  }

  /** Wakes the waiters of {@code resource}. */
  void signal(String resource) {
    Generation g = of(resource);
    synchronized (g) {
      g.value++;
      g.notifyAll();
    }
  }

  /** Called by the releasing thread after its commit; the in-process waker signals here. */
  void afterCommit(String resource) {
    signal(resource);
  }

  @Override
  public void close() {}
}
