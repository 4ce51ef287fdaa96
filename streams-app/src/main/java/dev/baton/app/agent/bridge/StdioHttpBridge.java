package dev.baton.app.agent.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code baton mcp}: an MCP stdio server for clients that launch a process, relaying every JSON-RPC
 * message to the node's streamable HTTP endpoint ({@code /mcp}) and every answer back.
 *
 * <p>Why a bridge rather than a second server whose tools call the HTTP API: the tools, their
 * schemas, identity, progress and error mapping exist once, in the node; the stdio process keeps no
 * state and loads no Kafka, Streams or MCP server classes, so it starts fast and cannot drift from
 * what {@code /mcp} serves. Identity comes from the environment: {@code X-Baton-Agent} and {@code
 * X-Baton-Workspace} are set from {@code --agent}/{@code BATON_AGENT} and {@code
 * --workspace}/{@code BATON_WORKSPACE} on every request, so the model never names itself.
 *
 * <p>Requests are relayed concurrently (a {@code lock_acquire} that waits does not hold up a ping
 * or a cancellation); an answer that arrives as a server-sent event stream (progress notifications,
 * then the result) is relayed event by event. When the node cannot be reached, or answers with an
 * HTTP error, a request gets a JSON-RPC error saying so. At the end of stdin the session is closed
 * ({@code DELETE}).
 */
public final class StdioHttpBridge {
  /** JSON-RPC error code for "the node did not answer" (implementation-defined range). */
  static final int UNREACHABLE = -32001;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Longer than any tool waits (50 s) plus the node's own command timeout. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

  private final URI endpoint;
  private final String agent;
  private final String token;
  private final String workspace;
  private final PrintStream out;
  private final PrintStream err;
  private final HttpClient http;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile String sessionId;
  private volatile String protocolVersion;

  public StdioHttpBridge(
      URI endpoint, String agent, String workspace, PrintStream out, PrintStream err) {
    this(endpoint, agent, null, workspace, out, err);
  }

  /**
   * With the bearer {@code token} (null: none) on every request; {@code agent} null sends no {@code
   * X-Baton-Agent}, the token naming the agent.
   */
  public StdioHttpBridge(
      URI endpoint,
      String agent,
      String token,
      String workspace,
      PrintStream out,
      PrintStream err) {
    this.token = token;
    this.endpoint = endpoint;
    this.agent = agent;
    this.workspace = workspace;
    this.out = out;
    this.err = err;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** Relays until {@code in} ends; returns the exit code. */
  public int run(InputStream in) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode message;
      try {
        message = Json.mapper().readTree(line);
      } catch (JsonProcessingException e) {
        write(error(null, -32700, "parse error: " + e.getOriginalMessage()));
        continue;
      }
      CompletableFuture<Void> relayed = relay(line, message);
      if ("initialize".equals(message.path("method").asText())) {
        // The session id and protocol version come with this answer; everything after needs them.
        relayed.join();
      } else {
        inFlight.add(relayed);
        relayed.whenComplete((done, failure) -> inFlight.remove(relayed));
      }
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
        .orTimeout(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
        .exceptionally(e -> null)
        .join();
    closeSession();
    return 0;
  }

  private CompletableFuture<Void> relay(String line, JsonNode message) {
    JsonNode id = message.get("id");
    boolean isRequest = id != null && message.has("method");
    HttpRequest request =
        base()
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(line, StandardCharsets.UTF_8))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
        .thenAccept(response -> answer(response, isRequest ? id : null))
        .exceptionally(
            failure -> {
              if (isRequest) {
                write(
                    error(
                        id,
                        UNREACHABLE,
                        "baton mcp: no answer from " + endpoint + ": " + rootMessage(failure)));
              } else {
                err.println("baton mcp: cannot reach " + endpoint + ": " + rootMessage(failure));
              }
              return null;
            });
  }

  private void answer(HttpResponse<Stream<String>> response, JsonNode id) {
    response.headers().firstValue("Mcp-Session-Id").ifPresent(s -> sessionId = s);
    String type = response.headers().firstValue("Content-Type").orElse("");
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() >= 400) {
        String body = String.join(" ", (Iterable<String>) lines::iterator);
        if (id != null) {
          write(
              error(
                  id,
                  UNREACHABLE,
                  "baton mcp: HTTP " + response.statusCode() + " from " + endpoint + ": " + body));
        } else {
          err.println("baton mcp: HTTP " + response.statusCode() + ": " + body);
        }
        return;
      }
      if (type.startsWith("text/event-stream")) {
        relayEvents(lines.iterator());
      } else {
        String body = String.join("\n", (Iterable<String>) lines::iterator);
        if (!body.isBlank()) {
          relayMessage(body);
        }
      }
    }
  }

  /** Server-sent events: each event's {@code data:} lines form one JSON-RPC message. */
  private void relayEvents(Iterator<String> lines) {
    StringBuilder data = new StringBuilder();
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.isEmpty()) {
        if (data.length() > 0) {
          relayMessage(data.toString());
          data.setLength(0);
        }
      } else if (line.startsWith("data:")) {
        if (data.length() > 0) {
          data.append('\n');
        }
        data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
      }
    }
    if (data.length() > 0) {
      relayMessage(data.toString());
    }
  }

  private void relayMessage(String json) {
    JsonNode message;
    try {
      message = Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      err.println("baton mcp: the node sent a message that is not JSON; dropped");
      return;
    }
    JsonNode version = message.path("result").path("protocolVersion");
    if (version.isTextual()) {
      protocolVersion = version.asText();
    }
    write(message);
  }

  private HttpRequest.Builder base() {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint)
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json, text/event-stream")
            .header("X-Baton-Workspace", workspace);
    if (agent != null) {
      builder.header("X-Baton-Agent", agent);
    }
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    if (sessionId != null) {
      builder.header("Mcp-Session-Id", sessionId);
    }
    if (protocolVersion != null) {
      builder.header("MCP-Protocol-Version", protocolVersion);
    }
    return builder;
  }

  private void closeSession() {
    if (sessionId == null) {
      return;
    }
    try {
      http.send(base().DELETE().build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      err.println("baton mcp: could not close the session: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void write(JsonNode message) {
    try {
      // One message per line: re-serialized compactly, whatever whitespace the node sent.
      out.println(Json.mapper().writeValueAsString(message));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  private static ObjectNode error(JsonNode id, int code, String message) {
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("jsonrpc", "2.0");
    if (id == null) {
      out.putNull("id");
    } else {
      out.set("id", id);
    }
    out.putObject("error").put("code", code).put("message", message);
    return out;
  }

  /** The most telling message of a failure chain: a refused connection says so by name. */
  private static String rootMessage(Throwable failure) {
    String message = null;
    for (Throwable e = failure; e != null; e = e.getCause()) {
      if (e instanceof java.net.ConnectException) {
        return "connection refused";
      }
      if (e instanceof java.net.http.HttpTimeoutException) {
        return "timed out";
      }
      if (message == null
          && e.getMessage() != null
          && !(e instanceof java.util.concurrent.CompletionException)) {
        message = e.getMessage();
      }
    }
    return message != null ? message : failure.getClass().getSimpleName();
  }
}
