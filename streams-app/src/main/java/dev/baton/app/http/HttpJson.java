package dev.baton.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.app.io.FixedWidthTimes;
import dev.baton.sdk.protocol.Json;

/**
 * The mapper of HTTP answers: the protocol's, with times of fixed width ({@link FixedWidthTimes}).
 */
final class HttpJson {
  private static final ObjectMapper MAPPER = FixedWidthTimes.on(Json.mapper());

  private HttpJson() {}

  static ObjectMapper mapper() {
    return MAPPER;
  }

  /** {@code value} as JSON text. */
  static String text(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }
}
