package dev.baton.app.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Times as Baton shows them to people and tools (HTTP answers, {@code state.json}, {@code audit
 * recover}, the projection's columns): UTC ISO-8601 with exactly three fraction digits, {@code
 * 2026-11-27T22:00:00.000Z}, so every time has the same width and text order is time order. Baton
 * takes its times from millisecond clocks; finer digits, where a client sent them, are cut.
 */
public final class FixedWidthTimes {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private FixedWidthTimes() {}

  /** {@code instant} in the fixed-width form; null stays null. */
  public static String format(Instant instant) {
    return instant == null ? null : FORMAT.format(instant);
  }

  /** A copy of {@code mapper} that writes every {@link Instant} in the fixed-width form. */
  public static ObjectMapper on(ObjectMapper mapper) {
    SimpleModule module = new SimpleModule("baton-fixed-width-times");
    module.addSerializer(
        Instant.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            gen.writeString(format(value));
          }
        });
    return mapper.copy().registerModule(module);
  }
}
