package dev.baton.app.http;

import dev.baton.app.feed.CursorExpiredException;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;

/**
 * An HTTP error answer: status, {@link ErrorBody} and an optional {@code Retry-After}. Resources
 * throw it; {@link ErrorMapper} turns it (and every other exception) into the response.
 */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final String INVALID = "INVALID";
  public static final String UNAUTHORIZED = "UNAUTHORIZED";
  public static final String FORBIDDEN = "FORBIDDEN";
  public static final String NOT_FOUND = "NOT_FOUND";
  public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
  public static final String TOO_LARGE = "TOO_LARGE";
  public static final String UNAVAILABLE = "UNAVAILABLE";
  public static final String TIMEOUT = "TIMEOUT";
  public static final String INTERNAL_ERROR = "INTERNAL_ERROR";
  public static final String CURSOR_EXPIRED = "CURSOR_EXPIRED";

  private final int status;
  private final transient ErrorBody body;
  private final Integer retryAfterSeconds;

  private ApiError(int status, ErrorBody body, Integer retryAfterSeconds) {
    super(body.error() + ": " + body.message(), null, false, false);
    this.status = status;
    this.body = body;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiError of(int status, String error, String message) {
    return new ApiError(status, ErrorBody.of(error, message), null);
  }

  public static ApiError invalid(String message) {
    return of(400, INVALID, message);
  }

  /** 403: the authenticated principal may not do this. */
  public static ApiError forbidden(String message) {
    return of(403, FORBIDDEN, message);
  }

  public static ApiError notFound(String message) {
    return of(404, NOT_FOUND, message);
  }

  /** 503: retrying after {@code retryAfterSeconds} can help. */
  public static ApiError unavailable(String message, int retryAfterSeconds) {
    return new ApiError(503, ErrorBody.of(UNAVAILABLE, message), retryAfterSeconds);
  }

  /** 410: the feed cursor's position is gone; the body names the oldest readable cursor. */
  public static ApiError cursorExpired(CursorExpiredException expired) {
    return new ApiError(
        410,
        new ErrorBody(
            CURSOR_EXPIRED,
            expired.getMessage(),
            null,
            null,
            null,
            null,
            expired.oldest().encode()),
        null);
  }

  /** A command the topology refused: the body carries the outcome so the agent can rebase. */
  public static ApiError rejected(Outcome outcome) {
    OutcomeCode code = outcome.code() == null ? OutcomeCode.INTERNAL_ERROR : outcome.code();
    String message = outcome.message() == null ? code.name() : outcome.message();
    return new ApiError(
        statusOf(code),
        new ErrorBody(
            code.name(),
            message,
            code,
            outcome.commandId(),
            outcome.version(),
            outcome.state(),
            null),
        null);
  }

  /**
   * The HTTP status of a rejection with {@code code}: 409 for refusals due to the aggregate's
   * current state (and for codes added later, until they are mapped here), 404, 400, and 500 for
   * the server's own failures.
   */
  public static int statusOf(OutcomeCode code) {
    return switch (code) {
      case NOT_FOUND -> 404;
      case INVALID -> 400;
      case OK, INTERNAL_ERROR -> 500;
      default -> 409;
    };
  }

  public int status() {
    return status;
  }

  public ErrorBody body() {
    return body;
  }

  /** Seconds for a {@code Retry-After} header, or null for none. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
