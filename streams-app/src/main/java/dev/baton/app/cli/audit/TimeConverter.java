package dev.baton.app.cli.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A point in time: an ISO-8601 instant ({@code 2026-11-27T22:00:00Z}), a date ({@code 2026-11-27},
 * midnight UTC), or a time ago ({@code 90s}, {@code 15m}, {@code 2h}, {@code 3d}, {@code PT1H}).
 */
final class TimeConverter implements ITypeConverter<Instant> {
  private static final Pattern AGO = Pattern.compile("(\\d+)([smhd])");

  @Override
  public Instant convert(String value) {
    try {
      if (value.contains("T") && !value.startsWith("P")) {
        return Instant.parse(value);
      }
      if (value.startsWith("P")) {
        return Instant.now().minus(Duration.parse(value));
      }
      Matcher m = AGO.matcher(value);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        Duration d =
            switch (m.group(2)) {
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
        return Instant.now().minus(d);
      }
      return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a time: use 2026-11-27T22:00:00Z, 2026-11-27, or 15m/2h/3d ago");
    }
  }
}
