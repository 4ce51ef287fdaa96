package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.state.LockQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.ReplyTo;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lock routes over in-memory stores and a fake SDK client: the raw commands sent (never the
 * auto-renewing lock operations), long poll versus async answers, validation and error mapping.
 */
@Timeout(60)
class LockHttpTest {
  private static final String AGENT = "agent-7";
  private static final String ACQUIRE = "/v1/locks/ws-1/acquire";
  private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");

  private final InMemoryLockStores locks = new InMemoryLockStores();
  private final FakeBatonClient sdk = new FakeBatonClient();
  private HttpApi api;
  private TestHttp http;

  @BeforeEach
  void start() {
    api =
        HttpApi.start(
            "127.0.0.1",
            0,
            () -> KafkaStreams.State.RUNNING,
            new TaskQueries(new InMemoryTaskStores(1)),
            new LockQueries(locks),
            sdk.client());
    http = new TestHttp("http://127.0.0.1:" + api.port());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  static LockState lock(String resource, String key, List<String> holders, List<String> waiters) {
    List<LockState.Holder> held =
        holders.stream()
            .map(
                agent ->
                    new LockState.Holder(
                        agent,
                        "req-" + agent,
                        LockMode.EXCLUSIVE,
                        7,
                        60_000,
                        AT,
                        AT.plusSeconds(60)))
            .toList();
    List<LockState.Waiter> queue =
        waiters.stream()
            .map(
                agent ->
                    new LockState.Waiter(
                        agent,
                        "req-" + agent,
                        LockMode.EXCLUSIVE,
                        60_000,
                        AT,
                        AT.plusSeconds(30),
                        new ReplyTo(2)))
            .toList();
    return new LockState(resource, "ws-1", key, held, queue, 7, 12, AT, List.of());
  }

  private static Outcome outcome(
      OutcomeStatus status, OutcomeCode code, Long token, Integer position, LockState state) {
    return new Outcome(
        "cmd-1",
        CommandType.LOCK_ACQUIRE,
        state.key(),
        status,
        code,
        status + " (test)",
        state.version(),
        token,
        position,
        state.holders().stream().map(LockState.Holder::agent).toList(),
        token == null ? null : AT.plusSeconds(60),
        Json.mapper().valueToTree(state),
        null,
        AT);
  }

  static Outcome granted() {
    return outcome(
        OutcomeStatus.GRANTED,
        OutcomeCode.OK,
        7L,
        null,
        lock("src/App.java", "ws-1/lock/src/App.java", List.of(AGENT), List.of()));
  }

  static Outcome queued(int position) {
    return outcome(
        OutcomeStatus.QUEUED,
        OutcomeCode.OK,
        null,
        position,
        lock("src/App.java", "ws-1/lock/src/App.java", List.of("alice"), List.of("bob", AGENT)));
  }

  static CompletableFuture<Outcome> rejected(OutcomeCode code) {
    Outcome rejection =
        outcome(
            OutcomeStatus.REJECTED,
            code,
            null,
            null,
            lock("src/App.java", "ws-1/lock/src/App.java", List.of("alice"), List.of()));
    return CompletableFuture.failedFuture(new BatonRejectedException(rejection));
  }

  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new AssertionError(text, e);
    }
  }

  /** The command body as it goes on the wire (numbers compare by value, not by node type). */
  private static JsonNode sent(FakeBatonClient.Call call) {
    return json(call.body().toString());
  }

  private static void assertErrorBody(TestHttp.Reply reply, int status, String error) {
    assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
    assertThat(reply.error()).as(reply.raw()).isEqualTo(error);
    assertThat(reply.json().path("message").asText()).isNotBlank();
  }

  private CompletableFuture<TestHttp.Reply> sendAsync(String path, String body) {
    return CompletableFuture.supplyAsync(() -> http.send("POST", path, AGENT, body));
  }

  @Nested
  class Acquire {
    @Test
    void shouldSubmitARawAcquireAndAnswerTheGrantAtTheTopLevel() {
      sdk.answer(call -> CompletableFuture.completedFuture(granted()));

      TestHttp.Reply reply =
          http.send(
              "POST",
              ACQUIRE,
              AGENT,
              "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":60000,"
                  + "\"waitMs\":30000}");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      JsonNode body = reply.json();
      assertThat(body.path("resource").asText()).isEqualTo("src/App.java");
      assertThat(body.path("mode").asText()).isEqualTo("EXCLUSIVE");
      assertThat(body.path("token").asLong()).isEqualTo(7);
      assertThat(body.path("leaseDeadline").asText()).isEqualTo("2025-01-01T00:01:00.000Z");
      assertThat(body.path("holders").get(0).asText()).isEqualTo(AGENT);
      assertThat(body.path("version").asLong()).isEqualTo(12);
      assertThat(body.path("status").asText()).isEqualTo("GRANTED");
      assertThat(body.path("commandId").asText()).isEqualTo("cmd-1");
      assertThat(body.has("outcome")).as("the outcome is flattened").isFalse();
      FakeBatonClient.Call call = sdk.calls().get(0);
      assertThat(call.operation()).isEqualTo("lock.acquire");
      assertThat(call.agent()).isEqualTo(AGENT);
      assertThat(call.workspace()).isEqualTo("ws-1");
      assertThat(sent(call))
          .isEqualTo(
              json(
                  "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":60000,"
                      + "\"waitMs\":30000}"));
      assertThat(call.extraWait()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldTryOnceWhenNoWaitIsGiven() {
      sdk.answer(call -> CompletableFuture.completedFuture(granted()));

      http.send("POST", ACQUIRE, AGENT, "{\"resource\":\"task/t-1\",\"mode\":\"COLLABORATIVE\"}");

      FakeBatonClient.Call call = sdk.calls().get(0);
      assertThat(sent(call))
          .isEqualTo(json("{\"resource\":\"task/t-1\",\"mode\":\"COLLABORATIVE\",\"waitMs\":0}"));
      assertThat(call.extraWait()).isZero();
    }

    @Test
    void shouldHoldALongPollPastQueuedUntilTheGrant() throws Exception {
      CompletableFuture<FakeBatonClient.Call> seen = new CompletableFuture<>();
      CompletableFuture<Outcome> outcome = new CompletableFuture<>();
      sdk.answer(
          call -> {
            seen.complete(call);
            return outcome;
          });

      CompletableFuture<TestHttp.Reply> reply =
          sendAsync(
              ACQUIRE, "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"waitMs\":5000}");
      seen.get(10, TimeUnit.SECONDS).progress().accept(queued(2));
      outcome.complete(granted());

      TestHttp.Reply answered = reply.get(10, TimeUnit.SECONDS);
      assertThat(answered.status()).as(answered.raw()).isEqualTo(200);
      assertThat(answered.json().path("status").asText()).isEqualTo("GRANTED");
      assertThat(answered.json().path("token").asLong()).isEqualTo(7);
    }

    @Test
    void shouldAnswerAnAsyncRequestWith202AndItsPositionOnceQueued() throws Exception {
      CompletableFuture<FakeBatonClient.Call> seen = new CompletableFuture<>();
      sdk.answer(
          call -> {
            seen.complete(call);
            return new CompletableFuture<>();
          });

      CompletableFuture<TestHttp.Reply> reply =
          sendAsync(
              ACQUIRE,
              "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"waitMs\":5000,"
                  + "\"async\":true}");
      FakeBatonClient.Call call = seen.get(10, TimeUnit.SECONDS);
      call.progress().accept(queued(2));

      TestHttp.Reply answered = reply.get(10, TimeUnit.SECONDS);
      assertThat(answered.status()).as(answered.raw()).isEqualTo(202);
      assertThat(answered.json().path("status").asText()).isEqualTo("QUEUED");
      assertThat(answered.json().path("position").asInt()).isEqualTo(2);
      assertThat(answered.json().path("resource").asText()).isEqualTo("src/App.java");
      assertThat(answered.json().path("mode").asText()).isEqualTo("EXCLUSIVE");
      assertThat(call.body().path("waitMs").asLong()).isEqualTo(5000);
      assertThat(call.extraWait()).as("nobody waits for the final outcome").isZero();
    }

    @Test
    void shouldAnswerAnAsyncRequestGrantedAtOnceWith200() {
      sdk.answer(call -> CompletableFuture.completedFuture(granted()));

      TestHttp.Reply reply =
          http.send(
              "POST",
              ACQUIRE,
              AGENT,
              "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"async\":true}");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      assertThat(reply.json().path("status").asText()).isEqualTo("GRANTED");
    }

    @ParameterizedTest
    @EnumSource(
        value = OutcomeCode.class,
        names = {"LOCKED", "EXPIRED", "CANCELLED"})
    void shouldAnswerRefusalsWith409AndTheLock(OutcomeCode code) {
      sdk.answer(call -> rejected(code));

      TestHttp.Reply reply =
          http.send(
              "POST", ACQUIRE, AGENT, "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\"}");

      assertErrorBody(reply, 409, code.name());
      assertThat(reply.json().path("code").asText()).isEqualTo(code.name());
      assertThat(reply.json().path("state").path("holders").get(0).path("agent").asText())
          .isEqualTo("alice");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"mode\":\"EXCLUSIVE\"}",
          "{\"resource\":\"\",\"mode\":\"EXCLUSIVE\"}",
          "{\"resource\":\"/etc/passwd\",\"mode\":\"EXCLUSIVE\"}",
          "{\"resource\":\"src//App.java\",\"mode\":\"EXCLUSIVE\"}",
          "{\"resource\":\"src/../App.java\",\"mode\":\"EXCLUSIVE\"}",
          "{\"resource\":\"src/./App.java\",\"mode\":\"EXCLUSIVE\"}",
          "{\"resource\":\"src/App.java/\",\"mode\":\"EXCLUSIVE\"}",
          "{\"resource\":\"a\\u0001b\",\"mode\":\"EXCLUSIVE\"}",
          "{\"resource\":\"a\\u200Bb\",\"mode\":\"EXCLUSIVE\"}",
          "{\"resource\":\"task/a b\",\"mode\":\"EXCLUSIVE\"}",
          "{\"resource\":7,\"mode\":\"EXCLUSIVE\"}",
          "{\"resource\":\"src/App.java\"}",
          "{\"resource\":\"src/App.java\",\"mode\":\"SHARED\"}",
          "{\"resource\":\"src/App.java\",\"mode\":1}",
          "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":0}",
          "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":-5}",
          "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":1.5}",
          "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"waitMs\":-1}",
          "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"waitMs\":\"30\"}",
          "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"waitMs\":9223372036854775807}",
          "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"async\":\"yes\"}",
          "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"token\":3}",
          "[]",
          ""
        })
    void shouldRejectABadRequestWith400BeforeSendingAnything(String body) {
      TestHttp.Reply reply = http.send("POST", ACQUIRE, AGENT, body);

      assertErrorBody(reply, 400, "INVALID");
      assertThat(sdk.calls()).isEmpty();
    }

    @Test
    void shouldNameTheBadResource() {
      TestHttp.Reply reply =
          http.send(
              "POST", ACQUIRE, AGENT, "{\"resource\":\"/etc/passwd\",\"mode\":\"EXCLUSIVE\"}");

      assertThat(reply.json().path("message").asText()).contains("resource", "/etc/passwd");
    }

    @Test
    void shouldRequireTheAgentHeader() {
      TestHttp.Reply reply =
          http.send(
              "POST", ACQUIRE, null, "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\"}");

      assertErrorBody(reply, 400, "INVALID");
      assertThat(reply.json().path("message").asText()).contains("X-Baton-Agent");
      assertThat(sdk.calls()).isEmpty();
    }

    @Test
    void shouldRejectABadWorkspace() {
      TestHttp.Reply reply =
          http.send(
              "POST",
              "/v1/locks/w%20s/acquire",
              AGENT,
              "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\"}");

      assertErrorBody(reply, 400, "INVALID");
    }
  }

  @Nested
  class RenewReleaseCancel {
    @Test
    void shouldRenewWithTheNewLeaseAndAnswerTheHeldMode() {
      sdk.answer(
          call -> CompletableFuture.completedFuture(granted().withStatus(OutcomeStatus.ACCEPTED)));

      TestHttp.Reply reply =
          http.send(
              "POST",
              "/v1/locks/ws-1/renew",
              AGENT,
              "{\"resource\":\"src/App.java\",\"leaseMs\":90000}");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      assertThat(reply.json().path("mode").asText()).isEqualTo("EXCLUSIVE");
      assertThat(reply.json().path("token").asLong()).isEqualTo(7);
      assertThat(reply.json().path("leaseDeadline").asText()).isNotBlank();
      FakeBatonClient.Call call = sdk.calls().get(0);
      assertThat(call.operation()).isEqualTo("lock.renew");
      assertThat(sent(call)).isEqualTo(json("{\"resource\":\"src/App.java\",\"leaseMs\":90000}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"release", "cancel"})
    void shouldSendTheResourceAlone(String action) {
      sdk.answer(
          call -> CompletableFuture.completedFuture(granted().withStatus(OutcomeStatus.ACCEPTED)));

      TestHttp.Reply reply =
          http.send("POST", "/v1/locks/ws-1/" + action, AGENT, "{\"resource\":\"task/t-1\"}");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      assertThat(reply.json().path("resource").asText()).isEqualTo("task/t-1");
      FakeBatonClient.Call call = sdk.calls().get(0);
      assertThat(call.operation()).isEqualTo("lock." + action);
      assertThat(call.body()).isEqualTo(json("{\"resource\":\"task/t-1\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"renew", "release"})
    void shouldAnswerNotHolderWith409(String action) {
      sdk.answer(call -> rejected(OutcomeCode.NOT_HOLDER));

      TestHttp.Reply reply =
          http.send("POST", "/v1/locks/ws-1/" + action, AGENT, "{\"resource\":\"src/App.java\"}");

      assertErrorBody(reply, 409, "NOT_HOLDER");
    }

    @Test
    void shouldAnswerAMissingLockWith404() {
      sdk.answer(call -> rejected(OutcomeCode.NOT_FOUND));

      TestHttp.Reply reply =
          http.send("POST", "/v1/locks/ws-1/cancel", AGENT, "{\"resource\":\"src/App.java\"}");

      assertErrorBody(reply, 404, "NOT_FOUND");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "renew|{}",
          "renew|{\"resource\":\"src/App.java\",\"leaseMs\":0}",
          "renew|{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\"}",
          "release|{\"resource\":\"../x\"}",
          "release|{\"resource\":\"src/App.java\",\"leaseMs\":5}",
          "cancel|{\"resource\":null}",
          "cancel|"
        })
    void shouldRejectABadRequestWith400(String actionAndBody) {
      String[] parts = actionAndBody.split("\\|", 2);

      TestHttp.Reply reply = http.send("POST", "/v1/locks/ws-1/" + parts[0], AGENT, parts[1]);

      assertErrorBody(reply, 400, "INVALID");
      assertThat(sdk.calls()).isEmpty();
    }
  }

  @Nested
  class Status {
    @Test
    void shouldShowHoldersQueueAndCounters() {
      locks.put(
          lock(
              "src/App.java", "ws-1/lock/src/App.java", List.of("alice"), List.of("bob", "carol")));

      TestHttp.Reply reply = http.get("/v1/locks/ws-1?resource=src%2FApp.java");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      JsonNode body = reply.json();
      assertThat(body.path("resource").asText()).isEqualTo("src/App.java");
      assertThat(body.path("mode").asText()).isEqualTo("EXCLUSIVE");
      assertThat(body.path("lastToken").asLong()).isEqualTo(7);
      assertThat(body.path("version").asLong()).isEqualTo(12);
      JsonNode holder = body.path("holders").get(0);
      assertThat(holder.path("agent").asText()).isEqualTo("alice");
      assertThat(holder.path("token").asLong()).isEqualTo(7);
      assertThat(holder.path("leaseDeadline").asText()).isEqualTo("2025-01-01T00:01:00.000Z");
      assertThat(body.path("queue")).hasSize(2);
      assertThat(body.path("queue").get(0).path("agent").asText()).isEqualTo("bob");
      assertThat(body.path("queue").get(0).path("position").asInt()).isEqualTo(1);
      assertThat(body.path("queue").get(1).path("agent").asText()).isEqualTo("carol");
      assertThat(body.path("queue").get(1).path("position").asInt()).isEqualTo(2);
      assertThat(body.path("queue").get(1).path("waitDeadline").asText())
          .isEqualTo("2025-01-01T00:00:30.000Z");
      assertThat(reply.raw()).doesNotContain("replyTo", "recentlyExpired");
    }

    @Test
    void shouldFindTheLockOfATaskUnderTheTaskKey() {
      locks.put(lock("task/t-1", "ws-1/task/t-1", List.of(), List.of()));

      TestHttp.Reply reply = http.get("/v1/locks/ws-1?resource=task/t-1");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      assertThat(reply.json().path("holders")).isEmpty();
      assertThat(reply.json().has("mode")).as("a free lock has no mode").isFalse();
    }

    @Test
    void shouldAnswer404ForALockNeverAskedFor() {
      assertErrorBody(http.get("/v1/locks/ws-1?resource=src/Other.java"), 404, "NOT_FOUND");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "/v1/locks/ws-1",
          "/v1/locks/ws-1?resource=",
          "/v1/locks/ws-1?resource=%2Fetc",
          "/v1/locks/ws-1?resource=a%2F%2Fb",
          "/v1/locks/ws-1?resource=a%2F..%2Fb",
          "/v1/locks/ws-1?resource=a%01b",
          "/v1/locks/w%20s?resource=a"
        })
    void shouldRejectABadResourceWith400(String path) {
      assertErrorBody(http.get(path), 400, "INVALID");
    }

    @Test
    void shouldAnswer503WhileTheStoreIsNotQueryable() {
      locks.setQueryable(false);

      TestHttp.Reply reply = http.get("/v1/locks/ws-1?resource=a");

      assertErrorBody(reply, 503, "UNAVAILABLE");
      assertThat(reply.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void shouldNameTheOwnerWhenTheNodeHoldingTheKeyCannotBeReached() {
      // Port 1: nothing listens there, so the forwarded read fails at once.
      locks.setRemoteOwner("127.0.0.1:1");

      TestHttp.Reply reply = http.get("/v1/locks/ws-1?resource=a");

      assertErrorBody(reply, 503, "UNAVAILABLE");
      assertThat(reply.json().path("message").asText()).contains("127.0.0.1:1");
    }
  }
}
