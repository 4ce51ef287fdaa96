package dev.baton.app.crash;

import dev.baton.app.broker.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.Map;

/**
 * The crash suite's broker process: {@link EmbeddedKafkaBroker} (a KRaft {@code kafka.Kafka}
 * server) on a data directory and port, killed with {@code kill -9} and started again on the same
 * ones. As {@code BrokerProcessMain}, except that the transaction coordinator looks for timed-out
 * transactions every second (Kafka's default is every 10 s), so a node frozen past its transaction
 * timeout is fenced within a second of the timeout instead of up to 10 s later.
 *
 * <p>Usage: {@code CrashBrokerMain DATA_DIR PORT}; prints {@code BROKER_READY <bootstrap>} once it
 * answers.
 */
public final class CrashBrokerMain {
  static final String READY = "BROKER_READY ";

  private CrashBrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(
            new EmbeddedKafkaBroker.Settings(
                Path.of(args[0]),
                Integer.parseInt(args[1]),
                Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")));
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "crash-broker-shutdown"));
    System.out.println(READY + broker.bootstrapServers());
    System.out.flush();
    Thread.currentThread().join();
  }
}
