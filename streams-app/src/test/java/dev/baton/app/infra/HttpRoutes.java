package dev.baton.app.infra;

import dev.baton.app.config.AppConfig;
import dev.baton.app.http.HttpApi;
import dev.baton.app.runtime.StreamsSettings;
import dev.baton.app.topology.TopologyFactory;
import dev.baton.sdk.BatonClient;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The real HTTP API, started on a free port with a topology that is built but never started (so it
 * needs no broker), to ask whether a path is a route it serves. An unknown path is answered 404
 * {@code NOT_FOUND} by its error mapper; {@code /v1/health} answers 503 with the state {@code
 * CREATED}.
 */
final class HttpRoutes implements AutoCloseable {
  private final KafkaStreams streams;
  private final HttpApi api;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpRoutes(KafkaStreams streams, HttpApi api) {
    this.streams = streams;
    this.api = api;
  }

  static HttpRoutes start(Path stateDir) {
    AppConfig config =
        AppConfig.defaults(
            Map.of(
                AppConfig.BOOTSTRAP_SERVERS,
                "127.0.0.1:9",
                AppConfig.DATA_DIR,
                stateDir.toString()));
    KafkaStreams streams =
        new KafkaStreams(TopologyFactory.build(config), StreamsSettings.of(config));
    BatonClient client =
        (BatonClient)
            Proxy.newProxyInstance(
                BatonClient.class.getClassLoader(),
                new Class<?>[] {BatonClient.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("close")) {
                    return null;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    try {
      return new HttpRoutes(streams, HttpApi.start("127.0.0.1", 0, streams, client));
    } catch (RuntimeException e) {
      streams.close(Duration.ofSeconds(5));
      throw e;
    }
  }

  /** The status {@code GET path} is answered with. */
  int get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Whether {@code GET path} reaches a route (anything but 404 and 405). */
  boolean serves(String path) {
    int status = get(path);
    return status != 404 && status != 405;
  }

  @Override
  public void close() {
    api.close();
    streams.close(Duration.ofSeconds(5));
  }
}
