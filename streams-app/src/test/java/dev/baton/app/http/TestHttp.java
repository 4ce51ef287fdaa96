package dev.baton.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON-over-HTTP client for tests of the API. */
public final class TestHttp {
  static final String AGENT = "X-Baton-Agent";

  /** One answer: status, parsed JSON body (null when it is not JSON) and headers. */
  public record Reply(int status, JsonNode json, String raw, HttpHeaders headers) {
    public String error() {
      return json == null ? null : json.path("error").asText(null);
    }
  }

  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public TestHttp(String base) {
    this.base = base;
  }

  public Reply get(String path) {
    return send("GET", path, null, null);
  }

  /** {@code agent} null sends no agent header; {@code body} null sends an empty body. */
  public Reply send(String method, String path, String agent, String body) {
    return send(method, path, agent, body, java.util.Map.of());
  }

  /** A POST with {@code headers} (the agent among them, if any). */
  public Reply post(String path, String body, java.util.Map<String, String> headers) {
    return send("POST", path, null, body, headers);
  }

  /** As above, with more request headers. */
  public Reply send(
      String method,
      String path,
      String agent,
      String body,
      java.util.Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (agent != null) {
      request.header(AGENT, agent);
    }
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(
          response.statusCode(), parse(response.body()), response.body(), response.headers());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parse(String body) {
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
