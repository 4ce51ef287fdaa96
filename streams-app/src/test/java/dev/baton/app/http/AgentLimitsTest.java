package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.state.LockQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonTimeoutException;
import dev.baton.sdk.protocol.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-agent limits: one agent at its limit gets 429 at once, the others are not touched. */
@Timeout(60)
class AgentLimitsTest {
  private static final String TASK = "{\"title\":\"x\"}";

  private final FakeBatonClient sdk = new FakeBatonClient();
  private final List<CompletableFuture<Outcome>> pending = new CopyOnWriteArrayList<>();
  private final HttpClient async = HttpClient.newHttpClient();
  private HttpApi api;
  private TestHttp http;
  private String base;

  @BeforeEach
  void start() {
    sdk.answer(
        call -> {
          CompletableFuture<Outcome> f = new CompletableFuture<>();
          pending.add(f);
          return f;
        });
    api =
        HttpApi.start(
            "127.0.0.1",
            0,
            () -> KafkaStreams.State.RUNNING,
            new TaskQueries(new InMemoryTaskStores(3)),
            new LockQueries(new InMemoryLockStores()),
            sdk.client(),
            null,
            new AgentLimits.Limits(2, 1));
    base = "http://127.0.0.1:" + api.port();
    http = new TestHttp(base);
  }

  @AfterEach
  void stop() {
    pending.forEach(f -> f.completeExceptionally(new BatonTimeoutException("cmd", 1)));
    api.close();
  }

  private CompletableFuture<HttpResponse<String>> sendAsync(
      String agent, String path, String body) {
    return async.sendAsync(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("X-Baton-Agent", agent)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void awaitCalls(int n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (sdk.calls().size() < n) {
      assertThat(System.nanoTime()).as("waiting for " + n + " commands").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void shouldRefuseAnAgentAtItsLimitAndServeTheOthers() {
    sendAsync("flood", "/v1/tasks/ws", TASK);
    sendAsync("flood", "/v1/tasks/ws", TASK);
    awaitCalls(2);

    TestHttp.Reply refused = http.send("POST", "/v1/tasks/ws", "flood", TASK);
    assertThat(refused.status()).as(refused.raw()).isEqualTo(429);
    assertThat(refused.error()).isEqualTo("TOO_MANY_REQUESTS");
    assertThat(refused.headers().firstValue("Retry-After")).contains("1");
    assertThat(sdk.calls()).hasSize(2);

    sendAsync("calm", "/v1/tasks/ws", TASK);
    awaitCalls(3);
    assertThat(sdk.calls().get(2).agent()).isEqualTo("calm");
    assertThat(http.get("/v1/tasks/ws/t-1").status()).isNotEqualTo(429);
  }

  @Test
  void shouldFreeTheSlotOnceTheAnswerIsWritten() {
    CompletableFuture<HttpResponse<String>> first = sendAsync("flood", "/v1/tasks/ws", TASK);
    CompletableFuture<HttpResponse<String>> second = sendAsync("flood", "/v1/tasks/ws", TASK);
    awaitCalls(2);

    // Which request's command came first is up to the server: answer one and wait for either.
    pending.get(0).completeExceptionally(new BatonTimeoutException("cmd-0", 1));
    Object answered = CompletableFuture.anyOf(first, second).join();
    assertThat(((HttpResponse<?>) answered).statusCode()).isEqualTo(504);
    // Later commands are answered at once, so the request let through does not hang.
    sdk.answer(call -> CompletableFuture.failedFuture(new BatonTimeoutException("cmd-n", 1)));

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int status;
    do {
      status = http.send("POST", "/v1/tasks/ws", "flood", TASK, Map.of()).status();
      assertThat(System.nanoTime()).isLessThan(deadline);
    } while (status == 429);
    assertThat(status).isEqualTo(504);
    assertThat(sdk.calls()).hasSize(3);
  }

  @Test
  void shouldLimitWaitingLockRequestsApart() {
    String lock = "{\"resource\":\"file/a\",\"mode\":\"EXCLUSIVE\",\"waitMs\":60000}";
    sendAsync("flood", "/v1/locks/ws/acquire", lock);
    awaitCalls(1);

    assertThat(http.send("POST", "/v1/locks/ws/acquire", "flood", lock).status()).isEqualTo(429);
    sendAsync("flood", "/v1/tasks/ws", TASK);
    awaitCalls(2);
  }
}
