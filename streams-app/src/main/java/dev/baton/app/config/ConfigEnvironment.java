package dev.baton.app.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The environment variables that set configuration keys, one per key of {@link
 * AppConfig#DEFINITION} and no other: key {@code baton.x.y} is variable {@code BATON_X_Y} (upper
 * case, every dot an underscore). A container's environment is therefore exactly a set of keys the
 * service accepts, each documented by {@code baton config}.
 *
 * <p>{@link #settings} reads an environment: every {@code BATON_*} variable must be a key's
 * variable or one of the caller's other known variables (the CLI's client variables such as {@code
 * BATON_SERVER}); any other one fails start-up naming it, because a misspelt setting that is
 * silently ignored is worse than a refused start. Values are checked against their key's type and
 * validator here, so an error names the variable as well as the key.
 */
public final class ConfigEnvironment {
  /** Every Baton variable starts with this. */
  public static final String PREFIX = "BATON_";

  private static final String KEY_PREFIX = "baton.";

  /** Variable name to key, for every key; built once and checked to be one-to-one. */
  private static final SortedMap<String, String> KEYS = index(AppConfig.DEFINITION);

  private ConfigEnvironment() {}

  /** The variable of {@code key}: {@code baton.http.port} is {@code BATON_HTTP_PORT}. */
  public static String variable(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** The key {@code variable} sets, if it is a key's variable. */
  public static Optional<String> key(String variable) {
    return Optional.ofNullable(KEYS.get(variable));
  }

  /** Every key's variable, sorted. */
  public static Set<String> variables() {
    return Collections.unmodifiableSet(KEYS.keySet());
  }

  /**
   * The settings {@code env} gives, key to value as written, for every key's variable it holds.
   *
   * @param otherVariables {@code BATON_*} variables that are not keys but are read elsewhere (the
   *     client verbs' {@code BATON_SERVER}, the launcher's {@code BATON_JAVA_OPTS}); they are
   *     accepted and ignored here
   * @throws ConfigException naming every other {@code BATON_*} variable, or the variable and key of
   *     a value its key refuses
   */
  public static Map<String, String> settings(Map<String, String> env, Set<String> otherVariables) {
    Map<String, String> settings = new TreeMap<>();
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(PREFIX) || otherVariables.contains(name)) {
        continue;
      }
      String key = KEYS.get(name);
      if (key == null) {
        unknown.add(describeUnknown(name));
        continue;
      }
      check(name, key, e.getValue());
      settings.put(key, e.getValue());
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(
          (unknown.size() == 1
                  ? "unknown Baton environment variable "
                  : "unknown Baton environment variables ")
              + String.join("; ", unknown)
              + ". Each setting BATON_X_Y sets the key baton.x.y; 'baton config' lists the keys");
    }
    return settings;
  }

  private static void check(String variable, String key, String value) {
    ConfigDef.ConfigKey def = AppConfig.DEFINITION.configKeys().get(key);
    try {
      Object parsed = ConfigDef.parseType(key, value, def.type);
      if (def.validator != null) {
        def.validator.ensureValid(key, parsed);
      }
    } catch (ConfigException e) {
      throw new ConfigException("environment variable " + variable + ": " + e.getMessage());
    }
  }

  private static String describeUnknown(String variable) {
    String asKey = variable.toLowerCase(Locale.ROOT).replace('_', '.');
    String nearest = nearest(variable);
    return variable
        + " (there is no key "
        + asKey
        + (nearest != null ? "; did you mean " + nearest + "?" : "")
        + ")";
  }

  /** The key variable at the smallest edit distance, if it is close enough to be a typo. */
  private static String nearest(String variable) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : KEYS.keySet()) {
      int d = distance(variable, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, variable.length() / 8) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /**
   * Indexes the keys by variable. Fails if a key is outside the {@code baton.} namespace or two
   * keys would share a variable: the mapping must stay one-to-one as keys are added.
   */
  static SortedMap<String, String> index(ConfigDef definition) {
    SortedMap<String, String> keys = new TreeMap<>();
    for (String key : definition.names()) {
      if (!key.startsWith(KEY_PREFIX) || !key.matches("[a-z0-9.]+")) {
        throw new IllegalStateException(
            "config key "
                + key
                + " has no environment variable: keys must be baton. followed by lower-case"
                + " letters, digits and dots");
      }
      String previous = keys.put(variable(key), key);
      if (previous != null) {
        throw new IllegalStateException(
            "config keys " + previous + " and " + key + " would share " + variable(key));
      }
    }
    return Collections.unmodifiableSortedMap(keys);
  }
}
