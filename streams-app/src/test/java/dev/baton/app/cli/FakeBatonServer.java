package dev.baton.app.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for the Baton HTTP API: answers every request with one canned status and body (or, for
 * a method given its own answer, with that one), and records what it was asked. Requests are served
 * on several threads, so a verb may poll while another request of it is open.
 */
public final class FakeBatonServer implements AutoCloseable {
  /** One request as the server saw it. */
  public record Request(
      String method, String pathAndQuery, String agent, String body, String idempotencyKey) {}

  private record Answer(int status, String body, String contentType) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Answer> byMethod = new ConcurrentHashMap<>();
  private volatile Answer answer = new Answer(200, "{}", "application/json");

  public FakeBatonServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers every later request with {@code status} and {@code body}. */
  public FakeBatonServer answer(int status, String body) {
    this.answer = new Answer(status, body, "application/json");
    return this;
  }

  /**
   * Answers later requests of {@code method} (e.g. {@code GET}) with {@code status} and {@code
   * body}.
   */
  public FakeBatonServer answer(String method, int status, String body) {
    byMethod.put(method, new Answer(status, body, "application/json"));
    return this;
  }

  public FakeBatonServer answerHtml(int status, String body) {
    this.answer = new Answer(status, body, "text/html");
    return this;
  }

  public List<Request> requests() {
    return requests;
  }

  public Request lastRequest() {
    return requests.get(requests.size() - 1);
  }

  /** The last request with {@code method}. */
  public Request lastRequest(String method) {
    for (int i = requests.size() - 1; i >= 0; i--) {
      if (requests.get(i).method().equals(method)) {
        return requests.get(i);
      }
    }
    throw new AssertionError("no " + method + " request among " + requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String requestBody =
        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null
                    ? ""
                    : "?" + exchange.getRequestURI().getRawQuery()),
            exchange.getRequestHeaders().getFirst("X-Baton-Agent"),
            requestBody,
            exchange.getRequestHeaders().getFirst("Idempotency-Key")));
    Answer reply = byMethod.getOrDefault(exchange.getRequestMethod(), answer);
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", reply.contentType());
    exchange.sendResponseHeaders(reply.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
