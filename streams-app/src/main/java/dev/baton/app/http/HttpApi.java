package dev.baton.app.http;

import dev.baton.sdk.BatonClient;
import io.javalin.Javalin;
import org.apache.kafka.streams.KafkaStreams;

/** The HTTP API (default port 7070): health, task queries and commands. */
public final class HttpApi implements AutoCloseable {
  private final Javalin app;

  private HttpApi(Javalin app) {
    this.app = app;
  }

  /** Starts serving on {@code host:port} (0 = any free port). */
  public static HttpApi start(String host, int port, KafkaStreams streams, BatonClient client) {
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.jetty.host = host;
              cfg.jetty.port = port;
              cfg.routes.get(
                  "/v1/health",
                  ctx -> {
                    boolean running = streams.state() == KafkaStreams.State.RUNNING;
                    ctx.status(running ? 200 : 503)
                        .json(java.util.Map.of("status", streams.state().name()));
                  });
            });
    app.start();
    return new HttpApi(app);
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
