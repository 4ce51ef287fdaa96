package dev.baton.app.cli;

import java.util.concurrent.CountDownLatch;

/** Runs a started service in the foreground until the JVM is asked to stop (Ctrl-C, SIGTERM). */
final class Foreground {
  private Foreground() {}

  /**
   * Prints {@code banner} to stdout, then blocks until shutdown, when {@code service} is closed.
   */
  static int runUntilStopped(AutoCloseable service, String banner) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    service.close();
                  } catch (Exception e) {
                    System.err.println("error while stopping: " + e);
                  } finally {
                    stopped.countDown();
                  }
                },
                "baton-shutdown"));
    System.out.print(banner);
    System.out.println("Press Ctrl-C to stop.");
    System.out.flush();
    stopped.await();
    return BatonCli.OK;
  }
}
