package dev.baton.app.cli.token;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.auth.TokenLog;
import dev.baton.app.auth.TokenRecord;
import dev.baton.app.auth.TokenRegistry;
import dev.baton.app.auth.TokenWriter;
import dev.baton.app.cli.KafkaClientOptions;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.config.AppConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a token verb acts: the HTTP API of a node with an admin token (the default), or the tokens
 * topic itself with {@code --bootstrap} (the operator's path: whoever may write that topic may make
 * any token, so Kafka's ACLs guard it).
 */
final class TokenTarget {
  @Option(
      names = "--server",
      paramLabel = "URL",
      defaultValue = "${env:BATON_SERVER:-http://localhost:7070}",
      description = "Baton HTTP API (env BATON_SERVER; default: ${DEFAULT-VALUE}).")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      defaultValue = "${env:BATON_TOKEN}",
      description = "An admin token (env BATON_TOKEN).")
  String token;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description =
          "Write to the tokens topic of this Kafka cluster instead of calling the HTTP API.")
  String bootstrap;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      defaultValue = "",
      description = "With --bootstrap: the topic prefix (baton.topic.prefix) of the Baton system.")
  String topicPrefix;

  @Mixin KafkaClientOptions kafka;

  boolean direct() {
    return bootstrap != null && !bootstrap.isBlank();
  }

  BatonHttpClient http() {
    String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    return new BatonHttpClient(URI.create(base), null, blankToNull(token), null);
  }

  private AppConfig config() {
    return AppConfig.defaults(
        Map.of(AppConfig.BOOTSTRAP_SERVERS, bootstrap, AppConfig.TOPIC_PREFIX, topicPrefix));
  }

  /** The tokens topic's cluster, with the {@code baton.kafka.*} settings of the environment. */
  private Map<String, Object> kafkaSettings() {
    return kafka.access(bootstrap).settings();
  }

  TokenWriter writer() {
    return new TokenWriter(kafkaSettings(), config().tokensTopic());
  }

  /** Every token in the topic, read to its end. */
  List<TokenRecord> readAll() {
    AppConfig c = config();
    TokenRegistry registry = new TokenRegistry();
    try (TokenLog log =
        TokenLog.start(kafkaSettings(), c.tokensTopic(), registry, Duration.ofSeconds(30))) {
      return registry.all();
    }
  }

  /** The body of an HTTP answer, or a failure naming the error. */
  static JsonNode body(ApiResponse response) {
    if (!response.ok()) {
      throw new IllegalStateException(
          response.error() + ": " + response.message() + " (HTTP " + response.status() + ")");
    }
    return response.body();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
