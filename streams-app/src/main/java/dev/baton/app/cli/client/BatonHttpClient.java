package dev.baton.app.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.io.ResponseJson;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Calls the Baton HTTP API with {@link HttpClient}: JSON in, JSON out, the agent in {@code
 * X-Baton-Agent}. Any answer with a JSON body is returned, error statuses included; only when no
 * such answer comes does it throw {@link ClientFailure}.
 */
public final class BatonHttpClient {
  public static final String AGENT_HEADER = "X-Baton-Agent";
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  /**
   * Longer than the server's own command timeout, so that its 504 arrives first. A long poll
   * (waiting for a lock) adds its wait to it.
   */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI server;
  private final String agent;
  private final String idempotencyKey;
  private final HttpClient http;

  /** With {@code idempotencyKey} (null for none) sent on every request. */
  public BatonHttpClient(URI server, String agent, String idempotencyKey) {
    this.server = server;
    this.agent = agent;
    this.idempotencyKey = idempotencyKey;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** {@code pathAndQuery} starts with {@code /} and is already encoded. */
  public ApiResponse get(String pathAndQuery) {
    return send(request(pathAndQuery).GET());
  }

  public ApiResponse post(String path, JsonNode body) {
    return post(path, body, REQUEST_TIMEOUT);
  }

  /** A POST that may take up to {@code timeout} to be answered (a long poll). */
  public ApiResponse post(String path, JsonNode body, Duration timeout) {
    return send(request(path, timeout).POST(json(body)), timeout);
  }

  public ApiResponse patch(String path, JsonNode body) {
    return send(request(path).method("PATCH", json(body)));
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return request(pathAndQuery, REQUEST_TIMEOUT);
  }

  private HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(server + pathAndQuery))
            .timeout(timeout)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .header(AGENT_HEADER, agent);
    return idempotencyKey == null ? builder : builder.header(IDEMPOTENCY_HEADER, idempotencyKey);
  }

  private static HttpRequest.BodyPublisher json(JsonNode body) {
    try {
      return HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  private ApiResponse send(HttpRequest.Builder builder) {
    return send(builder, REQUEST_TIMEOUT);
  }

  private ApiResponse send(HttpRequest.Builder builder, Duration timeout) {
    HttpResponse<byte[]> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new ClientFailure(
          "no answer from Baton at " + server + " within " + timeout.toSeconds() + " s", e);
    } catch (IOException e) {
      throw new ClientFailure("cannot reach Baton at " + server + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientFailure("interrupted while waiting for Baton at " + server, e);
    }
    JsonNode body;
    byte[] bytes = response.body();
    try {
      // Answers may be larger than any request (a page of tasks): no document limit here.
      body = ResponseJson.mapper().readTree(bytes);
    } catch (IOException | IllegalArgumentException e) {
      String text = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
      String why =
          e instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e);
      throw new ClientFailure(
          "unexpected answer from "
              + server
              + ": HTTP "
              + response.statusCode()
              + " with "
              + bytes.length
              + " bytes of "
              + response.headers().firstValue("Content-Type").orElse("no content type")
              + " that are not JSON ("
              + why
              + ")"
              + (bytes.length == 0
                  ? ""
                  : ", starting: " + text + (bytes.length > 200 ? "..." : "")),
          e);
    }
    if (body == null || !body.isObject()) {
      throw new ClientFailure(
          "unexpected answer from "
              + server
              + ": HTTP "
              + response.statusCode()
              + (body == null || body.isMissingNode()
                  ? " with an empty body"
                  : " with JSON that is not an object: " + abbreviate(body.toString())),
          null);
    }
    return new ApiResponse(response.statusCode(), body);
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static String describe(IOException e) {
    if (e instanceof ConnectException && e.getMessage() == null) {
      return "connection refused";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
