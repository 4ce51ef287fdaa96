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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Calls the Baton HTTP API: JSON in, JSON out, the agent in {@code X-Baton-Agent}. Any answer with
 * a JSON body is returned, error statuses included; only when no such answer comes does it throw
 * {@link ClientFailure}. Plain {@code http://} goes through {@link PlainHttp} (no TLS set-up on the
 * CLI's start path), {@code https://} through {@link HttpClient}.
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
  private final String token;
  private HttpClient https;

  /**
   * With the bearer {@code token} (null for none) and {@code idempotencyKey} (null for none) sent
   * on every request; {@code agent} null sends no {@value #AGENT_HEADER} (the token names the
   * agent).
   */
  public BatonHttpClient(URI server, String agent, String token, String idempotencyKey) {
    this.server = server;
    this.agent = agent;
    this.token = token;
    this.idempotencyKey = idempotencyKey;
  }

  /** {@code pathAndQuery} starts with {@code /} and is already encoded. */
  public ApiResponse get(String pathAndQuery) {
    return send("GET", pathAndQuery, null, REQUEST_TIMEOUT);
  }

  public ApiResponse post(String path, JsonNode body) {
    return post(path, body, REQUEST_TIMEOUT);
  }

  /** A POST that may take up to {@code timeout} to be answered (a long poll). */
  public ApiResponse post(String path, JsonNode body, Duration timeout) {
    return send("POST", path, json(body), timeout);
  }

  public ApiResponse delete(String path) {
    return send("DELETE", path, null, REQUEST_TIMEOUT);
  }

  public ApiResponse patch(String path, JsonNode body) {
    return send("PATCH", path, json(body), REQUEST_TIMEOUT);
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json");
    headers.put("Content-Type", "application/json");
    if (agent != null) {
      headers.put(AGENT_HEADER, agent);
    }
    if (token != null) {
      headers.put("Authorization", "Bearer " + token);
    }
    if (idempotencyKey != null) {
      headers.put(IDEMPOTENCY_HEADER, idempotencyKey);
    }
    return headers;
  }

  private static byte[] json(JsonNode body) {
    try {
      return Json.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  private ApiResponse send(String method, String pathAndQuery, byte[] body, Duration timeout) {
    URI uri = URI.create(server + pathAndQuery);
    PlainHttp.Answer answer;
    try {
      if ("http".equals(uri.getScheme())) {
        answer = PlainHttp.send(uri, method, headers(), body, CONNECT_TIMEOUT, timeout);
      } else {
        HttpResponse<byte[]> response =
            httpsClient()
                .send(request(uri, method, body, timeout), HttpResponse.BodyHandlers.ofByteArray());
        answer =
            new PlainHttp.Answer(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                response.body());
      }
    } catch (HttpTimeoutException e) {
      throw new ClientFailure(
          "no answer from Baton at " + server + " within " + timeout.toSeconds() + " s", e);
    } catch (IOException e) {
      throw new ClientFailure("cannot reach Baton at " + server + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientFailure("interrupted while waiting for Baton at " + server, e);
    }
    return parse(answer);
  }

  private synchronized HttpClient httpsClient() {
    if (https == null) {
      https = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }
    return https;
  }

  private HttpRequest request(URI uri, String method, byte[] body, Duration timeout) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout);
    headers().forEach(builder::header);
    return builder
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private ApiResponse parse(PlainHttp.Answer answer) {
    int status = answer.status();
    byte[] bytes = answer.body();
    JsonNode body;
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
              + status
              + " with "
              + bytes.length
              + " bytes of "
              + (answer.contentType() == null ? "no content type" : answer.contentType())
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
              + status
              + (body == null || body.isMissingNode()
                  ? " with an empty body"
                  : " with JSON that is not an object: " + abbreviate(body.toString())),
          null);
    }
    return new ApiResponse(status, body);
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
