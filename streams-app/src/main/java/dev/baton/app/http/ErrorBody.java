package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.OutcomeCode;

/**
 * The one error body of the HTTP API: {@code {"error": CODE, "message": "..."}}. When the error is
 * a rejected command it also carries the outcome's fields, so an agent can rebase and retry without
 * another round trip.
 *
 * @param error machine-readable code: an {@link OutcomeCode} name for rejections, otherwise one of
 *     {@code INVALID}, {@code UNAUTHORIZED}, {@code FORBIDDEN}, {@code IDEMPOTENCY_KEY_REUSED},
 *     {@code NOT_FOUND}, {@code METHOD_NOT_ALLOWED}, {@code TOO_LARGE}, {@code CURSOR_EXPIRED},
 *     {@code UNAVAILABLE}, {@code TIMEOUT}, {@code INTERNAL_ERROR}
 * @param message human-readable detail naming the field or value at fault
 * @param code for rejections: the outcome code (equal to {@code error})
 * @param commandId for rejections: the command that was refused
 * @param version for rejections: the aggregate's current version, absent when it does not exist
 * @param state for rejections: the aggregate's current state, absent when it does not exist
 * @param oldest for {@code CURSOR_EXPIRED}: the oldest cursor still readable
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(
    String error,
    String message,
    OutcomeCode code,
    String commandId,
    Long version,
    JsonNode state,
    String oldest) {

  public static ErrorBody of(String error, String message) {
    return new ErrorBody(error, message, null, null, null, null, null);
  }
}
