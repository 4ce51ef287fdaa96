package dev.baton.app.cli;

import java.io.Writer;
import java.time.Duration;

/**
 * A writer that keeps what it is given and lets a test wait until a fragment appears, without
 * sleeping: writers notify the waiting test.
 */
public final class WatchedWriter extends Writer {
  private final StringBuilder text = new StringBuilder();

  @Override
  public synchronized void write(char[] chars, int off, int len) {
    text.append(chars, off, len);
    notifyAll();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  /**
   * Waits until the text written so far contains {@code fragment}.
   *
   * @throws AssertionError when it does not within {@code timeout}
   */
  public synchronized void await(String fragment, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (text.indexOf(fragment) < 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "'" + fragment + "' not written within " + timeout + "; written:\n" + text);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  @Override
  public synchronized String toString() {
    return text.toString();
  }
}
