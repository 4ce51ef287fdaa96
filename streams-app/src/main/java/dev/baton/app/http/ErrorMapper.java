package dev.baton.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.baton.app.feed.CursorExpiredException;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.BatonTimeoutException;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.JsonErrors;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place exceptions become HTTP answers: every failure, whether thrown by a resource, by the
 * SDK's future, by JSON binding or by Javalin itself (unknown route, body too large), is translated
 * by {@link #toApiError(Throwable)} and written as an {@link ErrorBody}.
 *
 * <p>Client mistakes are 4xx and logged at DEBUG; only a server fault is a 500, logged with its
 * stack trace here (and nowhere else). An answer that arrives after its client went away, when
 * Jetty has already ended the exchange, is dropped with one DEBUG line.
 */
public final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
  private static final int MAX_MESSAGE = 300;

  private ErrorMapper() {}

  /** Routes every exception (Javalin's own {@link HttpResponseException}s too) here. */
  static void register(RoutesConfig routes) {
    routes.exception(Exception.class, ErrorMapper::handle);
    // Replaces Javalin's default mapper of its own exceptions, which answers in another shape.
    routes.exception(HttpResponseException.class, ErrorMapper::handle);
  }

  static void handle(Exception exception, Context ctx) {
    Throwable e = unwrap(exception);
    if (isExchangeGone(e)) {
      // Expected, not a fault: the client left (a long poll, an outcome that came late) and Jetty
      // ended the exchange; there is nobody to answer, and writing would only fail again.
      LOG.debug("answer not written: the client went away ({})", e.getMessage());
      return;
    }
    write(toApiError(exception), ctx);
  }

  /**
   * Jetty's refusal to touch a request or response it already ended and recycled, as when an answer
   * arrives after its client went away.
   */
  static boolean isExchangeGone(Throwable e) {
    return e instanceof IllegalStateException
        && e.getMessage() != null
        && e.getMessage().endsWith("does not exist (likely recycled)");
  }

  static void write(ApiError error, Context ctx) {
    if (error.retryAfterSeconds() != null) {
      ctx.header("Retry-After", String.valueOf(error.retryAfterSeconds()));
    }
    ctx.status(error.status()).json(error.body());
  }

  /** The answer to {@code failure}. Pure, so the mapping is unit-tested. */
  public static ApiError toApiError(Throwable failure) {
    Throwable e = unwrap(failure);
    ApiError mapped = map(e);
    if (mapped.status() == 500) {
      LOG.error("request failed on the server", e);
    } else if (mapped.status() == 504) {
      LOG.warn("request timed out: {}", mapped.getMessage());
    } else {
      LOG.debug("request answered with {}: {}", mapped.status(), mapped.getMessage());
    }
    return mapped;
  }

  private static ApiError map(Throwable e) {
    if (e instanceof ApiError api) {
      return api;
    }
    if (e instanceof CursorExpiredException expired) {
      return ApiError.cursorExpired(expired);
    }
    if (e instanceof RejectedExecutionException busy) {
      return ApiError.unavailable(busy.getMessage(), 1);
    }
    if (e instanceof BatonRejectedException rejected) {
      return ApiError.rejected(rejected.outcome());
    }
    if (e instanceof BatonTimeoutException timeout) {
      return ApiError.of(
          504,
          ApiError.TIMEOUT,
          timeout.getMessage() + "; it may still apply: retry with the same command id is safe");
    }
    if (e instanceof TimeoutException) {
      return ApiError.of(504, ApiError.TIMEOUT, "no outcome in time; the command may still apply");
    }
    // Before BatonException, which it extends.
    if (e instanceof InvalidCommandException invalid) {
      return ApiError.invalid(invalid.getMessage());
    }
    if (e instanceof BatonException baton) {
      return ApiError.unavailable("cannot submit the command: " + baton.getMessage(), 1);
    }
    if (e instanceof JsonProcessingException json) {
      return ApiError.invalid(describe(json));
    }
    if (e instanceof InvalidStateStoreException store) {
      return ApiError.unavailable(
          "state is not queryable right now (" + store.getMessage() + "); retry shortly", 1);
    }
    if (e instanceof StreamsException streams) {
      return ApiError.unavailable("Kafka Streams is not ready: " + streams.getMessage(), 1);
    }
    if (e instanceof HttpResponseException http) {
      return fromJavalin(http);
    }
    return ApiError.of(
        500, ApiError.INTERNAL_ERROR, "the server failed on this request; see its log");
  }

  private static ApiError fromJavalin(HttpResponseException e) {
    return fromStatus(e.getStatus(), e.getMessage());
  }

  /**
   * The answer for an error status raised below the resources (by Javalin, or by Jetty before
   * routing: a malformed request line, a bad URI, headers too large).
   */
  static ApiError fromStatus(int status, String reason) {
    String message = reason == null || reason.isBlank() ? "HTTP " + status : clean(reason);
    return switch (status) {
      case 404 -> ApiError.notFound(message);
      case 405 -> ApiError.of(405, ApiError.METHOD_NOT_ALLOWED, message);
      case 413 ->
          ApiError.of(
              413,
              ApiError.TOO_LARGE,
              "request body is larger than " + HttpApi.MAX_REQUEST_BYTES + " bytes");
      case 414, 431 -> ApiError.of(status, ApiError.TOO_LARGE, message);
      case 503 -> ApiError.unavailable(message, 1);
      default ->
          ApiError.of(status, status >= 500 ? ApiError.INTERNAL_ERROR : ApiError.INVALID, message);
    };
  }

  /** One line naming the field (for binding errors) or the position (for syntax errors). */
  static String describe(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      return "unknown field '"
          + clean(String.valueOf(unknown.getPropertyName()))
          + "'; known fields are "
          + unknown.getKnownPropertyIds();
    }
    return JsonErrors.describe(e);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable current = e;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return clean(nl < 0 ? message : message.substring(0, nl));
  }

  /** {@code text} safe to echo back: control characters escaped, at most a few hundred chars. */
  static String clean(String text) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < text.length() && out.length() < MAX_MESSAGE; i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return i < text.length() ? out + "..." : out.toString();
  }
}
