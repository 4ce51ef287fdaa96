package dev.baton.app.cli.lock;

import dev.baton.sdk.protocol.LockMode;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a {@link LockMode} in any case: {@code exclusive}, {@code COLLABORATIVE}. */
final class ModeConverter implements ITypeConverter<LockMode> {
  @Override
  public LockMode convert(String value) {
    try {
      return LockMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a lock mode; use exclusive or collaborative");
    }
  }
}
