package dev.baton.app.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How {@code baton bench} runs. Sizes left null take the scenario's default, or its small {@code
 * --quick} version.
 *
 * @param bootstrap an existing Kafka cluster, or null for an embedded broker in {@code dataDir}
 * @param dataDir where brokers, state and generated files go (a temp dir when null; deleted after)
 * @param quick the small version of every scenario, for CI smoke runs
 * @param partitions partitions of every topic the benchmark creates
 * @param agents e2e: SDK clients, one per agent
 * @param window e2e: commands each agent keeps in flight (independent tasks)
 * @param seconds e2e and read: measurement time of each phase
 * @param contentionAgents contention: the agent counts to run
 * @param opsPerAgent contention: lock-increment-release cycles per agent
 * @param separateRelease contention: release each lock with its own {@code lock.release} after the
 *     write, instead of with the write itself
 * @param records produce: records sent
 * @param events export: events exported
 * @param lines recover: audit lines recovered
 * @param tasks checkpoint: tasks in the projection; read: tasks created
 * @param postgresUrl contention: the PostgreSQL baseline's JDBC URL
 * @param postgresPool contention: connections the PostgreSQL baseline may open
 * @param appConfig extra {@code baton.*} settings of the Baton nodes started
 * @param clientConfig extra Kafka settings of the SDK clients started
 */
public record BenchOptions(
    String bootstrap,
    Path dataDir,
    boolean quick,
    int partitions,
    Integer agents,
    Integer window,
    Duration seconds,
    List<Integer> contentionAgents,
    Integer opsPerAgent,
    boolean separateRelease,
    Long records,
    Long events,
    Long lines,
    Integer tasks,
    String postgresUrl,
    int postgresPool,
    Map<String, String> appConfig,
    Map<String, String> clientConfig) {

  public static final String DEFAULT_POSTGRES_URL =
      "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  public BenchOptions {
    appConfig = Map.copyOf(appConfig);
    clientConfig = Map.copyOf(clientConfig);
    contentionAgents = contentionAgents == null ? null : List.copyOf(contentionAgents);
  }

  /** Defaults everywhere, embedded broker, optionally quick. */
  public static BenchOptions defaults(boolean quick) {
    return new BenchOptions(
        null,
        null,
        quick,
        6,
        null,
        null,
        null,
        null,
        null,
        false,
        null,
        null,
        null,
        null,
        DEFAULT_POSTGRES_URL,
        40,
        Map.of(),
        Map.of());
  }

  /** {@code value} if set, else the quick or the full default. */
  static <T> T pick(T value, boolean quick, T quickDefault, T fullDefault) {
    return value != null ? value : quick ? quickDefault : fullDefault;
  }
}
