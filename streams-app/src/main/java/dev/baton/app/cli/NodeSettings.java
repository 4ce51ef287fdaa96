package dev.baton.app.cli;

import dev.baton.app.config.AppConfig;
import dev.baton.app.config.ConfigEnvironment;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * How the node commands ({@code serve}, {@code sink}, {@code up}) combine their settings, weakest
 * first: each key's default ({@link AppConfig#DEFINITION}), the environment ({@code BATON_X_Y} sets
 * {@code baton.x.y}: {@link ConfigEnvironment}), {@code --config KEY=VALUE}, then the command's own
 * options ({@code --bootstrap}, {@code --data-dir}, ...), which are shorthands for keys. An unknown
 * {@code BATON_*} variable stops the command naming it.
 */
public final class NodeSettings {
  /**
   * The node commands' options that are shorthands for a key; an option means the same key in every
   * node command that has it.
   */
  static final Map<String, String> OPTION_KEYS =
      Map.of(
          "--bootstrap", AppConfig.BOOTSTRAP_SERVERS,
          "--data-dir", AppConfig.DATA_DIR,
          "--http-port", AppConfig.HTTP_PORT,
          "--jdbc-url", AppConfig.PROJECTION_JDBC_URL,
          "--metrics-port", AppConfig.METRICS_PORT,
          "--partitions", AppConfig.PARTITIONS);

  /**
   * {@code BATON_*} variables read outside the CLI's options: the {@code baton} launcher's JVM
   * options and freshness check, and the test suite's external cluster. The client verbs' variables
   * ({@code BATON_SERVER}, ...) come from the CLI model itself ({@link #otherVariables()}).
   */
  static final Set<String> OUTSIDE_THE_CLI =
      Set.of("BATON_JAVA_OPTS", "BATON_NO_REBUILD", "BATON_TEST_BOOTSTRAP");

  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)");

  private NodeSettings() {}

  /** What a node command builds its {@link AppConfig} from. */
  interface NodeCommand {
    /** The settings this command runs with in environment {@code env}. */
    AppConfig config(Map<String, String> env);
  }

  /**
   * The configuration {@code baton <args>} would run with in environment {@code env}, where {@code
   * args} name a node command ({@code serve}, {@code sink} or {@code up}); nothing is started. For
   * checks of deployments (a container's args and environment).
   *
   * @throws IllegalArgumentException if {@code args} name no node command
   * @throws CommandLine.ParameterException if the arguments are not accepted
   * @throws org.apache.kafka.common.config.ConfigException if a setting is refused
   */
  public static AppConfig of(Map<String, String> env, String... args) {
    ParseResult parsed = BatonCli.commandLine().parseArgs(args);
    if (!parsed.hasSubcommand()
        || !(parsed.subcommand().commandSpec().userObject() instanceof NodeCommand node)) {
      throw new IllegalArgumentException(
          "not a node command (serve, sink or up): " + String.join(" ", args));
    }
    return node.config(env);
  }

  /**
   * The {@code BATON_*} variables that are not keys: those the CLI's options read ({@code
   * ${env:...}} defaults, found in the command model) and {@link #OUTSIDE_THE_CLI}.
   */
  public static Set<String> otherVariables() {
    CommandLine cli = BatonCli.commandLine();
    cli.setInterpolateVariables(false);
    Set<String> names = new TreeSet<>(OUTSIDE_THE_CLI);
    collectEnvReferences(cli.getCommandSpec(), names);
    return Collections.unmodifiableSet(names);
  }

  private static void collectEnvReferences(CommandSpec spec, Set<String> names) {
    for (ArgSpec arg : spec.args()) {
      String value = arg.defaultValue();
      if (value == null) {
        continue;
      }
      Matcher m = ENV_REFERENCE.matcher(value);
      while (m.find()) {
        if (m.group(1).startsWith(ConfigEnvironment.PREFIX)) {
          names.add(m.group(1));
        }
      }
    }
    for (CommandLine sub : spec.subcommands().values()) {
      collectEnvReferences(sub.getCommandSpec(), names);
    }
  }

  /**
   * The settings of the node command {@code spec}: the environment, then {@code extra} (its {@code
   * --config} entries), then the options of {@link #OPTION_KEYS} given on its command line.
   */
  static Map<String, Object> merge(
      CommandSpec spec, Map<String, String> env, Map<String, String> extra) {
    Map<String, Object> props = new HashMap<>(ConfigEnvironment.settings(env, otherVariables()));
    props.putAll(extra);
    ParseResult parsed = spec.commandLine().getParseResult();
    for (OptionSpec option : spec.options()) {
      String key = OPTION_KEYS.get(option.longestName());
      if (key != null && parsed != null && parsed.hasMatchedOption(option)) {
        props.put(key, String.valueOf((Object) option.getValue()));
      }
    }
    return props;
  }

  /** Shows the key's default for each shorthand option ({@code ${DEFAULT-VALUE}} in its help). */
  static final class KeyDefaults implements CommandLine.IDefaultValueProvider {
    @Override
    public String defaultValue(ArgSpec arg) {
      if (!(arg instanceof OptionSpec option)) {
        return null;
      }
      String key = OPTION_KEYS.get(option.longestName());
      if (key == null) {
        return null;
      }
      Object value = AppConfig.DEFINITION.defaultValues().get(key);
      return value == null ? null : String.valueOf(value);
    }
  }
}
