package dev.baton.app.cli.lock;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A duration: a number with a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}), {@code 0},
 * or ISO-8601 ({@code PT30S}). Never negative.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern AMOUNT = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    String text = value.trim();
    try {
      if (text.equals("0")) {
        return Duration.ZERO;
      }
      Matcher m = AMOUNT.matcher(text);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      }
      if (text.startsWith("PT") || text.startsWith("pt")) {
        Duration parsed = Duration.parse(text);
        if (!parsed.isNegative()) {
          return parsed;
        }
      }
    } catch (DateTimeParseException | ArithmeticException e) {
      // reported below
    }
    throw new TypeConversionException(
        "'" + value + "' is not a duration: use e.g. 500ms, 30s, 5m, 1h or 0");
  }
}
