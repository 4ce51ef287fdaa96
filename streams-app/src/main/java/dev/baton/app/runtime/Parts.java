package dev.baton.app.runtime;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a node in the order they were started, closed in reverse: on shutdown, and at once
 * when a later part fails to start, so that a failed start leaves nothing running (no bound port,
 * no consumer, no open database).
 */
final class Parts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Parts.class);

  /** Starts one part; may return null when the part is turned off. */
  @FunctionalInterface
  interface Starter<T> {
    T start() throws Exception;
  }

  /** Closes one started part. */
  @FunctionalInterface
  interface Closer<T> {
    void close(T part) throws Exception;
  }

  private record Started(String name, AutoCloseable closer) {}

  private final Deque<Started> started = new ArrayDeque<>();
  private boolean closed;

  /** Starts a part that closes itself. */
  <T extends AutoCloseable> T start(String name, Starter<T> starter) {
    return start(name, starter, AutoCloseable::close);
  }

  /**
   * Starts a part and remembers how to close it. When it fails, every part started before it is
   * closed, newest first, and the failure is rethrown (unchecked, naming the part).
   */
  <T> T start(String name, Starter<T> starter, Closer<T> closer) {
    if (closed) {
      throw new IllegalStateException("cannot start " + name + ": the node is closed");
    }
    T part;
    long startedAt = System.nanoTime();
    try {
      part = starter.start();
    } catch (Exception | Error e) {
      LOG.error("{} failed to start; stopping what already started", name);
      close();
      if (e instanceof RuntimeException r) {
        throw r;
      }
      if (e instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(name + " failed to start: " + e.getMessage(), e);
    }
    if (part != null) {
      started.push(new Started(name, () -> closer.close(part)));
      // One line per part: where a start spends its time (docs/reliability.md, "Restart after a
      // crash"), comparable between runs because it counts from the JVM's own start.
      LOG.info(
          "started {} in {} ms ({} ms since the JVM started)",
          name,
          millisSince(startedAt),
          sinceJvmStart());
    } else {
      LOG.info(
          "{} took {} ms and left nothing running ({} ms since the JVM started)",
          name,
          millisSince(startedAt),
          sinceJvmStart());
    }
    return part;
  }

  /** The names of the running parts, oldest first. */
  java.util.List<String> names() {
    java.util.List<String> names = new java.util.ArrayList<>();
    started.descendingIterator().forEachRemaining(s -> names.add(s.name()));
    return names;
  }

  /** Closes every started part, newest first; a failure to close one is logged, not thrown. */
  @Override
  public void close() {
    closed = true;
    while (!started.isEmpty()) {
      Started s = started.pop();
      long stoppingAt = System.nanoTime();
      try {
        s.closer().close();
        LOG.info("stopped {} in {} ms", s.name(), millisSince(stoppingAt));
      } catch (Exception e) {
        LOG.warn("error while stopping {}", s.name(), e);
      }
    }
  }

  private static long millisSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1_000_000;
  }

  /** Milliseconds since this JVM started (its uptime). */
  static long sinceJvmStart() {
    return ManagementFactory.getRuntimeMXBean().getUptime();
  }
}
