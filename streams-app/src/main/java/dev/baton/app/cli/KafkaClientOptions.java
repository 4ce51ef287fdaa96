package dev.baton.app.cli;

import dev.baton.app.config.AppConfig;
import dev.baton.app.config.ConfigEnvironment;
import dev.baton.app.config.KafkaAccess;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The Kafka security settings of an operator verb that talks to Kafka itself ({@code token
 * --bootstrap}, {@code checkpoint restore --to-kafka}, {@code audit republish}, {@code verify}):
 * the node's own {@code baton.kafka.*} keys, taken the way a node takes them, from {@code
 * BATON_KAFKA_*} variables and then {@code --config KEY=VALUE}, so one environment serves the node
 * and its operator tools against a SASL/TLS cluster.
 */
public final class KafkaClientOptions {
  private static final String VARIABLE_PREFIX = ConfigEnvironment.variable(AppConfig.KAFKA_PREFIX);

  @Option(
      names = "--config",
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka client setting, as the node takes it: baton.kafka.<setting>=VALUE (e.g."
              + " baton.kafka.security.protocol=SASL_SSL); repeatable. BATON_KAFKA_* variables"
              + " set them too; this option wins.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  /** How to reach {@code bootstrap}, with the settings of the environment and {@code --config}. */
  public KafkaAccess access(String bootstrap) {
    return access(bootstrap, System.getenv());
  }

  KafkaAccess access(String bootstrap, Map<String, String> env) {
    Map<String, Object> props = new HashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!e.getKey().startsWith(VARIABLE_PREFIX)) {
        continue;
      }
      Optional<String> key = ConfigEnvironment.key(e.getKey());
      if (key.isEmpty()) {
        throw new ParameterException(
            mixee.commandLine(),
            "unknown variable "
                + e.getKey()
                + ": not a baton.kafka.* setting (see 'baton config' for the list)");
      }
      props.put(key.get(), e.getValue());
    }
    for (Map.Entry<String, String> e : settings.entrySet()) {
      if (!e.getKey().startsWith(AppConfig.KAFKA_PREFIX)
          || !AppConfig.DEFINITION.names().contains(e.getKey())) {
        throw new ParameterException(
            mixee.commandLine(),
            "--config "
                + e.getKey()
                + ": only the baton.kafka.* settings apply here (how to reach Kafka; 'baton"
                + " config' lists them)");
      }
      props.put(e.getKey(), e.getValue());
    }
    props.put(AppConfig.BOOTSTRAP_SERVERS, bootstrap);
    try {
      return KafkaAccess.of(AppConfig.defaults(props));
    } catch (ConfigException e) {
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    }
  }
}
