package dev.baton.app.cli.audit;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr for long runs, redrawn at most every 200 ms, shown only when stderr is
 * a terminal (so scripts and pipes never see it).
 */
final class Progress implements AutoCloseable {
  private static final long EVERY_NANOS = 200_000_000L;

  private final PrintStream err;
  private final String what;
  private final long totalBytes;
  private final LongSupplier bytesDone;
  private final boolean enabled;
  private long lastDrawn;
  private long items;
  private boolean drawn;

  private Progress(String what, long totalBytes, LongSupplier bytesDone, boolean enabled) {
    this.err = System.err;
    this.what = what;
    this.totalBytes = totalBytes;
    this.bytesDone = bytesDone;
    this.enabled = enabled;
  }

  /** A progress line when stderr is a terminal, else one that prints nothing. */
  static Progress onTerminal(String what, long totalBytes, LongSupplier bytesDone) {
    return new Progress(what, totalBytes, bytesDone, System.console() != null);
  }

  /** Counts one more item (a line) and redraws when due. */
  void step() {
    items++;
    if (!enabled || (items & 1023) != 0) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDrawn < EVERY_NANOS) {
      return;
    }
    lastDrawn = now;
    long done = bytesDone.getAsLong();
    String percent = totalBytes > 0 ? (Math.min(100, done * 100 / totalBytes) + "%  ") : "";
    err.print("\r" + what + ": " + percent + items + " lines, " + (done >> 20) + " MiB   ");
    err.flush();
    drawn = true;
  }

  @Override
  public void close() {
    if (drawn) {
      err.print("\r" + " ".repeat(70) + "\r");
      err.flush();
    }
  }
}
