package dev.baton.app.broker;

import java.nio.file.Path;
import java.util.Map;

/**
 * Runs an {@link EmbeddedKafkaBroker} as its own process, for tests that kill the broker with
 * {@code kill -9} and start it again on the same data directory.
 *
 * <p>Usage: {@code BrokerProcessMain --data-dir DIR [--port N]}. When the broker answers client
 * requests, one line {@code BROKER_READY <bootstrap servers>} is printed to stdout (logs go to
 * stderr); the process then runs until it is killed, and a normal termination closes the broker.
 * Exit code 2 means bad usage.
 */
public final class BrokerProcessMain {

  static final String READY_LINE_PREFIX = "BROKER_READY ";

  private BrokerProcessMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafkaBroker.Settings settings;
    try {
      settings = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: BrokerProcessMain --data-dir DIR [--port N]");
      System.exit(2);
      return;
    }
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-kafka-shutdown"));
    System.out.println(READY_LINE_PREFIX + broker.bootstrapServers());
    System.out.flush();
    // Serve until the process is terminated; the shutdown hook stops the broker.
    Thread.currentThread().join();
  }

  static EmbeddedKafkaBroker.Settings parse(String[] args) {
    Path dataDir = null;
    int port = 0;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + args[i]);
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--data-dir" -> dataDir = Path.of(value);
        case "--port" -> port = parsePort(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dataDir == null) {
      throw new IllegalArgumentException("--data-dir is required");
    }
    return new EmbeddedKafkaBroker.Settings(dataDir, port, Map.of());
  }

  private static int parsePort(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port " + value + " is not a number", e);
    }
  }
}
