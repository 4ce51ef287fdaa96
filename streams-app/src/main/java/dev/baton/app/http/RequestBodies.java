package dev.baton.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.baton.sdk.protocol.Json;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * Reads request bodies with the protocol's bounded mapper ({@link Json#mapper()}), strictly: an
 * unknown field is an error, so a typo never passes silently. The body size limit is enforced by
 * Javalin while reading ({@link HttpApi#MAX_REQUEST_BYTES}).
 */
final class RequestBodies {
  private static final ObjectReader STRICT =
      Json.mapper().reader().with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private RequestBodies() {}

  /** The body as {@code type}; a missing body or {@code null} is an error. */
  static <T> T required(Context ctx, Class<T> type) {
    T value = optional(ctx, type);
    if (value == null) {
      throw ApiError.invalid("request body is required: a JSON object");
    }
    return value;
  }

  /** The body as {@code type}, or null when there is none. */
  static <T> T optional(Context ctx, Class<T> type) {
    byte[] bytes = ctx.bodyAsBytes();
    if (isBlank(bytes)) {
      return null;
    }
    try {
      return STRICT.forType(type).readValue(bytes);
    } catch (JsonProcessingException e) {
      throw ApiError.invalid(ErrorMapper.describe(e));
    } catch (IOException e) {
      // Reading from a byte array fails only on content; keep the message if it ever does.
      throw ApiError.invalid("unreadable request body: " + e.getMessage());
    }
  }

  /** The body as a JSON tree; a missing body is an error. */
  static JsonNode tree(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    if (isBlank(bytes)) {
      throw ApiError.invalid("request body is required: a JSON object");
    }
    try {
      return STRICT.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw ApiError.invalid(ErrorMapper.describe(e));
    } catch (IOException e) {
      // Reading from a byte array fails only on content; keep the message if it ever does.
      throw ApiError.invalid("unreadable request body: " + e.getMessage());
    }
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }
}
