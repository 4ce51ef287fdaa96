package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.auth.Authenticator;
import dev.baton.app.auth.NodeTokens;
import dev.baton.app.auth.Role;
import dev.baton.app.auth.TokenRegistry;
import dev.baton.app.auth.TokenSecrets;
import dev.baton.app.metrics.BatonMetrics;
import dev.baton.app.state.LockQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} on the API port, over a fake SDK client, with auth on: open by default
 * (read-only, like health), behind any valid token with {@code baton.metrics.auth=token}, absent
 * when turned off; requests are counted by route template, never by path.
 */
@Timeout(60)
class MetricsHttpTest {
  private final FakeBatonClient sdk = new FakeBatonClient();
  private final TokenRegistry registry = new TokenRegistry();
  private final BatonMetrics metrics = BatonMetrics.prometheus();
  private HttpApi api;
  private TestHttp http;

  private void start(HttpApi.MetricsAccess access) {
    sdk.answer(call -> CompletableFuture.failedFuture(new BatonTimeoutException("cmd-test", 1)));
    api =
        HttpApi.start(
            "127.0.0.1",
            0,
            () -> KafkaStreams.State.RUNNING,
            new TaskQueries(new InMemoryTaskStores(3)),
            new LockQueries(new InMemoryLockStores()),
            sdk.client(),
            // No token route is called here: tokens go straight into the registry.
            new NodeTokens(new Authenticator(registry, "", Clock.systemUTC()), registry, null),
            AgentLimits.Limits.NONE,
            metrics,
            access);
    http = new TestHttp("http://127.0.0.1:" + api.port());
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    metrics.close();
  }

  private String token(String agent, String workspace) {
    TokenSecrets.Issued issued =
        TokenSecrets.mint(agent, List.of(workspace), Role.AGENT, null, Instant.now(), "test");
    registry.apply(issued.record().id(), issued.record());
    return issued.token();
  }

  private TestHttp.Reply get(String path, String token) {
    return http.send(
        "GET",
        path,
        null,
        null,
        token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
  }

  @Test
  void shouldServeMetricsWithoutATokenByDefault() {
    start(HttpApi.MetricsAccess.OPEN);

    TestHttp.Reply reply = get("/metrics", null);

    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    assertThat(reply.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("text/plain; version=0.0.4");
    assertThat(reply.raw()).contains("# TYPE baton_node_startup_seconds gauge");
    assertThat(reply.raw()).contains("jvm_memory_used_bytes");
  }

  @Test
  void shouldAskForATokenWhenConfigured() {
    start(HttpApi.MetricsAccess.TOKEN);

    TestHttp.Reply refused = get("/metrics", null);
    assertThat(refused.status()).as(refused.raw()).isEqualTo(401);
    assertThat(refused.error()).isEqualTo("UNAUTHORIZED");
    assertThat(refused.raw()).doesNotContain("baton_");

    TestHttp.Reply served = get("/metrics", token("prometheus", "ws-a"));
    assertThat(served.status()).as(served.raw()).isEqualTo(200);
    assertThat(served.raw()).contains("baton_node_startup_seconds");
  }

  @Test
  void shouldNotServeMetricsWhenTurnedOff() {
    start(HttpApi.MetricsAccess.OFF);

    TestHttp.Reply reply = get("/metrics", token("prometheus", "ws-a"));

    assertThat(reply.status()).as(reply.raw()).isEqualTo(404);
  }

  @Test
  void shouldCountRequestsByRouteTemplateAndCommandsByType() {
    start(HttpApi.MetricsAccess.OPEN);
    String tokenA = token("agentA", "ws-a");
    TestHttp.Reply command =
        http.send(
            "POST",
            "/v1/tasks/ws-a",
            null,
            "{\"id\":\"secret-task-7\",\"title\":\"x\"}",
            Map.of("Authorization", "Bearer " + tokenA));
    get("/v1/tasks/ws-a/secret-task-7", tokenA);
    get("/no/such/route-secret", tokenA);

    String text = get("/metrics", null).raw();

    assertThat(text)
        .contains(
            "baton_gateway_command_seconds_count{status=\""
                + command.status()
                + "\",type=\"task.create\"} 1");
    assertThat(text)
        .contains(
            "baton_http_requests_seconds_count{method=\"GET\",route=\"/v1/tasks/{workspace}/{id}\","
                + "status=\"404\"} 1");
    assertThat(text).contains("route=\"unmatched\"");
    assertThat(text).doesNotContain("secret-task-7").doesNotContain("route-secret");
    assertThat(text).doesNotContain("agentA");
  }
}
