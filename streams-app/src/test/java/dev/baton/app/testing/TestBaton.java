package dev.baton.app.testing;

import dev.baton.app.config.AppConfig;
import dev.baton.app.runtime.BatonService;
import dev.baton.sdk.BatonClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A Baton node for integration tests on the shared test cluster, isolated from other tests by its
 * own topic prefix and application id.
 */
public final class TestBaton implements AutoCloseable {
  private final AppConfig config;
  private final BatonService service;

  private TestBaton(AppConfig config, BatonService service) {
    this.config = config;
    this.service = service;
  }

  /**
   * A node with a fresh namespace in {@code dataDir}, on the shared test cluster unless {@code
   * overrides} name another {@code baton.bootstrap.servers}; its HTTP port is any free one unless
   * {@code overrides} name one. Nodes given the same topic prefix and application id in {@code
   * overrides} run one topology together.
   */
  public static TestBaton start(Path dataDir, Map<String, Object> overrides) {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    Map<String, Object> props = new HashMap<>();
    props.put(AppConfig.TOPIC_PREFIX, prefix);
    props.put(AppConfig.APPLICATION_ID, prefix + "baton");
    props.putAll(overrides);
    return start(dataDir, props, true);
  }

  /** Restarts a node on an existing namespace (same prefix and application id). */
  public static TestBaton restart(Path dataDir, AppConfig previous) {
    return start(dataDir, new HashMap<>(previous.values()), false);
  }

  private static TestBaton start(Path dataDir, Map<String, Object> props, boolean fresh) {
    props.putIfAbsent(AppConfig.BOOTSTRAP_SERVERS, KafkaTestCluster.bootstrapServers());
    props.put(AppConfig.DATA_DIR, dataDir.toString());
    props.putIfAbsent(AppConfig.HTTP_PORT, 0);
    props.putIfAbsent(AppConfig.PARTITIONS, 3);
    AppConfig config = AppConfig.parse(props);
    BatonService service =
        BatonService.start(config, new BatonService.Options(false, 0, Duration.ofSeconds(60)));
    return new TestBaton(config, service);
  }

  public AppConfig config() {
    return config;
  }

  public BatonService service() {
    return service;
  }

  public String httpBase() {
    return "http://127.0.0.1:" + service.httpPort();
  }

  /** A new SDK client for {@code agent} on this node's topics. */
  public BatonClient client(String agent) {
    return BatonClient.builder()
        .bootstrapServers(service.bootstrapServers())
        .topics(config.topics())
        .agent(agent)
        .requestTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Override
  public void close() {
    service.close();
  }
}
