package dev.baton.app.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * How a Kafka client outside the node (an operator verb, a checker) reaches the cluster: the
 * bootstrap servers and the same security settings a node takes as {@code baton.kafka.*} ({@link
 * AppConfig#kafkaSecurity}). Its text is the bootstrap servers alone, so it can be named in
 * messages without showing a password.
 *
 * @param bootstrap the bootstrap servers
 * @param security Kafka client settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*})
 */
public record KafkaAccess(String bootstrap, Map<String, Object> security) {

  public KafkaAccess {
    security = Map.copyOf(security);
  }

  /** No security settings: a plaintext listener. */
  public static KafkaAccess plain(String bootstrap) {
    return new KafkaAccess(bootstrap, Map.of());
  }

  /** The cluster a node's settings name, with the node's security settings. */
  public static KafkaAccess of(AppConfig config) {
    return new KafkaAccess(config.bootstrapServers(), config.kafkaSecurity());
  }

  /** The settings every client starts from: the security settings and the bootstrap servers. */
  public Map<String, Object> settings() {
    Map<String, Object> settings = new HashMap<>(security);
    settings.put("bootstrap.servers", bootstrap);
    return settings;
  }

  /** {@link #settings()} as properties, for a client to add its own to. */
  public Properties properties() {
    Properties props = new Properties();
    props.putAll(settings());
    return props;
  }

  @Override
  public String toString() {
    return bootstrap;
  }
}
