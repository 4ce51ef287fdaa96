package dev.baton.app.cli.task;

import dev.baton.sdk.protocol.TaskStatus;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a {@link TaskStatus} leniently: {@code in-progress}, {@code in_progress} and so on. */
final class StatusConverter implements ITypeConverter<TaskStatus> {
  @Override
  public TaskStatus convert(String value) {
    String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return TaskStatus.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a task status; use one of "
              + Arrays.toString(TaskStatus.values()));
    }
  }
}
