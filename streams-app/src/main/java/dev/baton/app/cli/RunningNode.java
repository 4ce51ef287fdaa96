package dev.baton.app.cli;

import dev.baton.app.runtime.NodeEndpoints;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The node a data-directory verb ({@code verify}, {@code checkpoint restore --to-kafka}, {@code
 * audit republish}) talks to when it is not told: what its options give, else what {@code baton up}
 * or {@code baton serve} recorded in {@code <data dir>/endpoints.json} ({@link NodeEndpoints}),
 * else the defaults ({@value #DEFAULT_BOOTSTRAP}, {@value #DEFAULT_SERVER}, no topic prefix). Each
 * value taken from the file is said on stderr, with a warning when the node that wrote it no longer
 * runs.
 */
public final class RunningNode {
  public static final String DEFAULT_BOOTSTRAP = "localhost:9092";
  public static final String DEFAULT_SERVER = "http://127.0.0.1:7070";

  private final Optional<NodeEndpoints> recorded;
  private final Path file;
  private final PrintWriter err;
  private boolean told;

  private RunningNode(Path dataDir, PrintWriter err) {
    this.file = NodeEndpoints.fileOf(dataDir);
    this.recorded = NodeEndpoints.read(dataDir);
    this.err = err;
  }

  /**
   * The node recorded in {@code dataDir}, if any.
   *
   * @throws IllegalStateException naming the file when it cannot be read
   */
  public static RunningNode of(Path dataDir, PrintWriter err) {
    return new RunningNode(dataDir, err);
  }

  /** Kafka bootstrap servers: {@code given}, else the recorded ones, else the default. */
  public String bootstrap(String given) {
    return pick(given, "Kafka at", NodeEndpoints::bootstrapServers, DEFAULT_BOOTSTRAP);
  }

  /** The HTTP API's base URL: {@code given}, else the recorded one, else the default. */
  public String server(String given) {
    return pick(given, "the HTTP API at", NodeEndpoints::http, DEFAULT_SERVER);
  }

  /** The topics' prefix: {@code given}, else the recorded one, else none. */
  public String topicPrefix(String given) {
    return pick(given, "topic prefix", NodeEndpoints::topicPrefix, "");
  }

  private String pick(
      String given,
      String what,
      java.util.function.Function<NodeEndpoints, String> field,
      String fallback) {
    if (given != null) {
      return given;
    }
    if (recorded.isEmpty()) {
      return fallback;
    }
    NodeEndpoints node = recorded.get();
    String value = field.apply(node);
    if (!value.isEmpty()) {
      err.printf("using %s %s (from %s)%n", what, value, file);
    }
    if (!told && !node.writerAlive()) {
      err.printf(
          "warning: the node that wrote %s (pid %d, started %s) is not running%n",
          file, node.pid(), node.startedAt());
    }
    told = true;
    err.flush();
    return value;
  }
}
