package dev.baton.app.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain JSON-over-HTTP client for the agent routes, as a new user would call them. */
final class Http {
  /** One answer: status, the JSON body (null when it is not JSON) and the raw text. */
  record Reply(int status, JsonNode json, String raw) {}

  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Http(String base) {
    this.base = base;
  }

  Reply get(String path) {
    return send("GET", path, null, Map.of());
  }

  Reply post(String path, String body, Map<String, String> headers) {
    return send("POST", path, body, headers);
  }

  Reply send(String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(90))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json;
      try {
        json = Json.mapper().readTree(response.body());
      } catch (IOException e) {
        json = null;
      }
      return new Reply(response.statusCode(), json, response.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
