package dev.baton.sdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.DecisionPage;
import dev.baton.sdk.DecisionQuery;
import dev.baton.sdk.DecisionStatus;
import dev.baton.sdk.LockStatus;
import dev.baton.sdk.RecordedDecision;
import dev.baton.sdk.TaskPage;
import dev.baton.sdk.TaskQuery;
import dev.baton.sdk.protocol.Decision;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Task;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Reads through a Baton node's HTTP API ({@code GET /v1/tasks...}, {@code /v1/locks...}, {@code
 * /v1/decisions...}). The node answers from its state stores and forwards a key's query to the node
 * that owns it, so the client needs no copy of the state. A 404 is an empty answer; any other
 * failure is a {@link BatonException} (retriable for 5xx and I/O errors) naming the path. Answers
 * complete on the callback executor. The JDK HTTP client (and its selector thread) is made on the
 * first read.
 */
final class HttpReads {
  private final URI base;
  private final Duration timeout;
  private final Executor callbacks;
  private volatile HttpClient http;

  /**
   * @param base the node's HTTP address, e.g. {@code http://localhost:7070}; null when reads are
   *     not configured
   */
  HttpReads(URI base, Duration timeout, Executor callbacks) {
    this.base = base;
    this.timeout = timeout;
    this.callbacks = callbacks;
  }

  /** {@code GET /v1/tasks/{workspace}/{id}}. */
  CompletableFuture<Optional<Task>> task(String workspace, String taskId) {
    return get("v1/tasks/" + encode(workspace) + "/" + encode(taskId))
        .thenApply(body -> body.map(b -> convert(b, Task.class)));
  }

  /** {@code GET /v1/tasks?workspace=&status=&assignee=&limit=&after=}. */
  CompletableFuture<TaskPage> tasks(String workspace, TaskQuery q) {
    StringBuilder path = new StringBuilder("v1/tasks?workspace=").append(encode(workspace));
    if (q.status() != null) path.append("&status=").append(q.status().name());
    if (q.assignee() != null) path.append("&assignee=").append(encode(q.assignee()));
    if (q.limit() != null) path.append("&limit=").append(q.limit());
    if (q.after() != null) path.append("&after=").append(encode(q.after()));
    return get(path.toString())
        .thenApply(
            body -> body.map(b -> convert(b, TaskPage.class)).orElseThrow(() -> notFound(path)));
  }

  /** {@code GET /v1/locks/{workspace}?resource=}. */
  CompletableFuture<Optional<LockStatus>> lock(String workspace, String resource) {
    return get("v1/locks/" + encode(workspace) + "?resource=" + encode(resource))
        .thenApply(body -> body.map(b -> convert(b, LockStatus.class)));
  }

  /** {@code GET /v1/decisions/{workspace}/{number}}. */
  CompletableFuture<Optional<RecordedDecision>> decision(String workspace, int number) {
    return get("v1/decisions/" + encode(workspace) + "/" + number)
        .thenApply(body -> body.map(HttpReads::recorded));
  }

  /** {@code GET /v1/decisions/{workspace}?task=&status=&limit=&before=}. */
  CompletableFuture<DecisionPage> decisions(String workspace, DecisionQuery q) {
    StringJoiner path = new StringJoiner("&", "v1/decisions/" + encode(workspace) + "?", "");
    path.setEmptyValue("v1/decisions/" + encode(workspace));
    if (q.task() != null) path.add("task=" + encode(q.task()));
    if (q.status() != null) path.add("status=" + q.status().name());
    if (q.limit() != null) path.add("limit=" + q.limit());
    if (q.before() != null) path.add("before=" + q.before());
    String pathAndQuery = path.toString();
    return get(pathAndQuery)
        .thenApply(
            body -> {
              JsonNode b = body.orElseThrow(() -> notFound(pathAndQuery));
              List<RecordedDecision> decisions = new ArrayList<>();
              b.path("decisions").forEach(d -> decisions.add(recorded(d)));
              JsonNode next = b.path("next");
              return new DecisionPage(decisions, next.isIntegralNumber() ? next.asLong() : null);
            });
  }

  /**
   * A decision of the HTTP API: the recorded fields plus {@code status} and {@code supersededBy}.
   */
  private static RecordedDecision recorded(JsonNode d) {
    JsonNode by = d.path("supersededBy");
    return new RecordedDecision(
        convert(d, Decision.class),
        convert(d.path("status"), DecisionStatus.class),
        by.isIntegralNumber() ? by.asInt() : null);
  }

  private static BatonException notFound(Object path) {
    return new BatonException("GET " + path + " answered 404", false, null);
  }

  private static <T> T convert(JsonNode body, Class<T> type) {
    try {
      return Json.mapper().treeToValue(body, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new BatonException(
          "unexpected " + type.getSimpleName() + " from the HTTP API: " + e.getMessage(), false, e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** GETs {@code pathAndQuery}; empty on 404. */
  CompletableFuture<Optional<JsonNode>> get(String pathAndQuery) {
    if (base == null) {
      return CompletableFuture.failedFuture(
          new BatonException(
              "reads go through the HTTP API: set BatonClient.Builder.httpServer", false, null));
    }
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(pathAndQuery))
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    CompletableFuture<Optional<JsonNode>> answer = new CompletableFuture<>();
    client()
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) ->
                callbacks.execute(
                    () -> {
                      try {
                        answer.complete(parse(pathAndQuery, response, error));
                      } catch (BatonException e) {
                        answer.completeExceptionally(e);
                      }
                    }));
    return answer;
  }

  private static Optional<JsonNode> parse(
      String path, HttpResponse<String> response, Throwable error) {
    if (error != null) {
      Throwable cause = error.getCause() != null ? error.getCause() : error;
      throw new BatonException("GET " + path + " failed: " + cause, true, cause);
    }
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    JsonNode body;
    try {
      body = Json.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new BatonException(
          "GET " + path + " answered " + response.statusCode() + " with no JSON body", true, e);
    }
    if (response.statusCode() != 200) {
      throw new BatonException(
          "GET "
              + path
              + " answered "
              + response.statusCode()
              + " "
              + body.path("error").asText()
              + ": "
              + body.path("message").asText(),
          response.statusCode() >= 500,
          null);
    }
    return Optional.of(body);
  }

  private HttpClient client() {
    HttpClient c = http;
    if (c == null) {
      synchronized (this) {
        if (http == null) {
          http = HttpClient.newBuilder().connectTimeout(timeout).build();
        }
        c = http;
      }
    }
    return c;
  }
}
