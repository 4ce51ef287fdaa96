package dev.baton.app.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of logs and output: every place that logs or echoes configuration (a JDBC URL,
 * a config value, an error message that may quote a URL) passes it through here first.
 *
 * <p>Redacted: the value of any URL parameter or config key whose name contains {@code password},
 * {@code passwd}, {@code pwd}, {@code secret}, {@code token} or {@code credential} (so {@code
 * password=}, {@code sslpassword=}, {@code accessToken=}), and the password of a URL's user info
 * ({@code //user:secret@host}). The value is replaced by {@value #MASK}; everything else is kept so
 * that the message still says which database or key is meant.
 */
public final class Redaction {
  /** What a secret is replaced with. */
  public static final String MASK = "***";

  private static final String SECRET_NAME =
      "[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|credential)[A-Za-z0-9_.-]*";
  private static final Pattern PARAMETER =
      Pattern.compile("(?i)(" + SECRET_NAME + ")(\\s*=\\s*)([^&;\\s'\"]*)");
  private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s]*:)([^@/\\s]*)(@)");
  private static final Pattern SECRET_KEY = Pattern.compile("(?i)" + SECRET_NAME);

  private Redaction() {}

  /** {@code url} with its passwords and tokens masked; null stays null. */
  public static String jdbcUrl(String url) {
    return secretsIn(url);
  }

  /** {@code text} (a message, a URL) with every secret-named parameter and URL password masked. */
  public static String secretsIn(String text) {
    if (text == null) {
      return null;
    }
    String out = USER_INFO.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3");
    return PARAMETER.matcher(out).replaceAll("$1$2" + Matcher.quoteReplacement(MASK));
  }

  /** The value of config key {@code key} as it may be shown. */
  public static Object configValue(String key, Object value) {
    if (value == null) {
      return null;
    }
    if (SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches()) {
      return MASK;
    }
    return value instanceof String s ? secretsIn(s) : value;
  }
}
