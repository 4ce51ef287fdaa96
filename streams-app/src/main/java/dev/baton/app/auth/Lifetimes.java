package dev.baton.app.auth;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token's lifetime as written by people: {@code 30d}, {@code 12h}, {@code 90m}, {@code 3600s}.
 */
public final class Lifetimes {
  private static final Pattern AMOUNT = Pattern.compile("(\\d{1,9})([smhd])");

  private Lifetimes() {}

  /**
   * The lifetime {@code text} names; null or empty is null (no expiry).
   *
   * @throws IllegalArgumentException naming {@code field} and the value when it is not one
   */
  public static Duration parse(String field, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Matcher m = AMOUNT.matcher(text.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException(
          field
              + " must be a positive amount with a unit s, m, h or d (e.g. 30d), got '"
              + text
              + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
