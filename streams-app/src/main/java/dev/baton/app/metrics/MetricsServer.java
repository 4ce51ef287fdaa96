package dev.baton.app.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A metrics-only HTTP listener, for a process without the API ({@code baton sink}): {@code GET
 * /metrics} answers {@link BatonMetrics#scrape()}; anything else is 404 (another path) or 405
 * (another method), with a one-line plain-text reason. Read-only and unauthenticated, like a
 * Prometheus exporter: it binds to {@code baton.metrics.host} (loopback by default).
 */
public final class MetricsServer implements AutoCloseable {
  public static final String PATH = "/metrics";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Listens on {@code host:port} (0: any free port). */
  public static MetricsServer start(String host, int port, BatonMetrics metrics)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "baton-metrics-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", exchange -> answer(exchange, metrics));
    server.start();
    return new MetricsServer(server, executor);
  }

  private static void answer(HttpExchange exchange, BatonMetrics metrics) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (!PATH.equals(path)) {
        reply(exchange, 404, "text/plain; charset=utf-8", "no such path: only GET /metrics here\n");
      } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().add("Allow", "GET, HEAD");
        reply(exchange, 405, "text/plain; charset=utf-8", method + " not allowed: use GET\n");
      } else {
        reply(exchange, 200, BatonMetrics.CONTENT_TYPE, metrics.scrape());
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
