package dev.baton.app.cli;

import dev.baton.app.config.AppConfig;
import dev.baton.app.config.ConfigEnvironment;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;

/**
 * {@code baton config}: every configuration key with its environment variable, type, default and
 * documentation, printed from the one place they are declared ({@link AppConfig#DEFINITION}), so no
 * document restates a default that could drift.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description =
        "Print every configuration key with its environment variable, type, default and"
            + " documentation.")
final class ConfigCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    Map<String, ConfigDef.ConfigKey> keys = new TreeMap<>(AppConfig.DEFINITION.configKeys());
    for (ConfigDef.ConfigKey key : keys.values()) {
      Object value = key.defaultValue;
      String shown =
          value == ConfigDef.NO_DEFAULT_VALUE
              ? "(required)"
              : value == null ? "(none)" : String.valueOf(value);
      System.out.printf(
          "%s%n  env: %s%n  type: %s, default: %s%n",
          key.name, ConfigEnvironment.variable(key.name), key.type, shown);
      if (key.validator != null) {
        System.out.printf("  valid: %s%n", key.validator);
      }
      System.out.printf("  %s%n%n", key.documentation);
    }
    return BatonCli.OK;
  }
}
