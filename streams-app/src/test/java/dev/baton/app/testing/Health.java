package dev.baton.app.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** {@code GET /v1/health} of a test node, with the HTTP status added as {@code httpStatus}. */
public final class Health {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Health() {}

  /** The health body of the node at {@code httpBase}, plus {@code httpStatus}. */
  public static JsonNode get(String httpBase) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(httpBase + "/v1/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = Json.mapper().readTree(r.body());
    ((ObjectNode) body).put("httpStatus", r.statusCode());
    return body;
  }

  /** Polls health until {@code done} holds; fails naming {@code what} and the last answer. */
  public static JsonNode await(
      String what, String httpBase, Predicate<JsonNode> done, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last;
    do {
      last = get(httpBase);
      if (done.test(last)) {
        return last;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    } while (System.nanoTime() < deadline);
    throw new AssertionError(what + " never happened; last health: " + last);
  }

  /** The entry of {@code sink} ({@code audit}, {@code projection}) in a health body. */
  public static JsonNode sink(JsonNode health, String sink) {
    for (JsonNode s : health.path("sinks")) {
      if (s.path("sink").asText().equals(sink)) {
        return s;
      }
    }
    return Json.mapper().missingNode();
  }
}
