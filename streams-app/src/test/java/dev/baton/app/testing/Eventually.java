package dev.baton.app.testing;

import dev.baton.app.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Waits on conditions that the sinks make true in their own time, polling with a deadline. */
public final class Eventually {
  private Eventually() {}

  /** Runs the CLI with {@code args} until it succeeds and {@code done} holds; the last run. */
  public static CliRun cli(Duration within, Predicate<CliRun> done, String... args)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    CliRun last;
    do {
      last = CliRun.of(args);
      if (last.exitCode() == 0 && done.test(last)) {
        return last;
      }
      pause();
    } while (System.nanoTime() < deadline);
    throw new AssertionError("condition not met within " + within + "; last run: " + last);
  }

  /** Waits until {@code file} exists and its text satisfies {@code done}. */
  public static void file(Duration within, Path file, Predicate<String> done)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && done.test(Files.readString(file))) {
        return;
      }
      pause();
    }
    throw new AssertionError(file + " did not reach the expected content within " + within);
  }

  /** Waits until {@code done} holds, checking every 20 ms; fails naming {@code what} if not. */
  public static void until(String what, Duration within, BooleanSupplier done) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " never happened within " + within);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private static void pause() throws InterruptedException {
    Object monitor = new Object();
    synchronized (monitor) {
      monitor.wait(100);
    }
  }
}
