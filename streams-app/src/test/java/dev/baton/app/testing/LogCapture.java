package dev.baton.app.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Collects every log line of this JVM (message and stack trace) while open. */
public final class LogCapture implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AbstractAppender appender;

  public LogCapture() {
    appender =
        new AbstractAppender(
            "capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            StringBuilder line =
                new StringBuilder(event.getLoggerName())
                    .append(" ")
                    .append(event.getMessage().getFormattedMessage());
            if (event.getThrown() != null) {
              StringWriter trace = new StringWriter();
              event.getThrown().printStackTrace(new PrintWriter(trace));
              line.append("\n").append(trace);
            }
            lines.add(line.toString());
          }
        };
    appender.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
    ctx.updateLoggers();
  }

  /** The lines so far, in order. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** Index of the first line containing {@code text}, or -1. */
  public int indexOf(String text) {
    List<String> all = lines();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().removeAppender(appender.getName());
    ctx.updateLoggers();
    appender.stop();
  }
}
