package dev.baton.app.sink.projection;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A projection sink alone in a process, for the crash test: {@code <bootstrap> <topic> <jdbc-url>
 * <group-id> <max-batch>}. Prints {@value #READY} once started and runs until killed.
 */
public final class ProjectionSinkMain {
  static final String READY = "projection sink ready";

  private ProjectionSinkMain() {}

  public static void main(String[] args) throws Exception {
    ProjectionSink.Settings settings =
        new ProjectionSink.Settings(
            args[0],
            args[1],
            args[3],
            args.length > 5 ? args[5] : null,
            args[2],
            Integer.parseInt(args[4]),
            null,
            Map.of());
    ProjectionSink sink = ProjectionSink.start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(sink::close));
    System.out.println(READY);
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
