package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.state.LockQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /v1/decisions/{workspace}} over a fake SDK client: binding, validation, answers. */
@Timeout(60)
class DecisionHttpTest {
  private static final String AGENT = "agent-7";

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
            new LockQueries(new InMemoryLockStores()),
            sdk.client());
    http = new TestHttp("http://127.0.0.1:" + api.port());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static Outcome recorded(int number) {
    return new Outcome(
        "cmd-1",
        CommandType.DECISION_RECORD,
        "ws-1/decisions",
        OutcomeStatus.ACCEPTED,
        OutcomeCode.OK,
        "decision " + number + " recorded",
        (long) number,
        null,
        null,
        null,
        null,
        Json.mapper().createObjectNode().put("number", number).put("title", "Use Kafka"),
        null,
        Instant.EPOCH);
  }

  @Test
  void shouldRecordThroughTheSdkAndAnswer201WithTheNumber() {
    sdk.answer(call -> CompletableFuture.completedFuture(recorded(3)));

    TestHttp.Reply reply =
        http.send(
            "POST",
            "/v1/decisions/ws-1",
            AGENT,
            "{\"title\":\"Use Kafka\",\"context\":\"many agents\",\"decision\":\"Kafka is the"
                + " log\",\"alternatives\":\"a database\",\"consequences\":\"run a broker\","
                + "\"supersedes\":2,\"task\":\"t-1\"}");

    assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
    assertThat(reply.json().path("version").asLong()).isEqualTo(3);
    assertThat(reply.json().path("state").path("number").asInt()).isEqualTo(3);
    FakeBatonClient.Call call = sdk.calls().get(0);
    assertThat(call.operation()).isEqualTo("decision.record");
    assertThat(call.agent()).isEqualTo(AGENT);
    assertThat(call.workspace()).isEqualTo("ws-1");
    assertThat(call.body().path("title").asText()).isEqualTo("Use Kafka");
    assertThat(call.body().path("context").asText()).isEqualTo("many agents");
    assertThat(call.body().path("decision").asText()).isEqualTo("Kafka is the log");
    assertThat(call.body().path("alternatives").asText()).isEqualTo("a database");
    assertThat(call.body().path("consequences").asText()).isEqualTo("run a broker");
    assertThat(call.body().path("supersedes").asInt()).isEqualTo(2);
    assertThat(call.body().path("taskId").asText()).isEqualTo("t-1");
  }

  @Test
  void shouldAnswerASupersedesOfAnUnknownDecisionWith404() {
    Outcome missing =
        Outcome.rejected(
            "cmd-2",
            CommandType.DECISION_RECORD,
            "ws-1/decisions",
            OutcomeCode.NOT_FOUND,
            "decision 9 does not exist in workspace ws-1 (latest is 2)",
            2L,
            null,
            Instant.EPOCH);
    sdk.answer(call -> CompletableFuture.failedFuture(new BatonRejectedException(missing)));

    TestHttp.Reply reply =
        http.send(
            "POST",
            "/v1/decisions/ws-1",
            AGENT,
            "{\"title\":\"t\",\"decision\":\"d\",\"supersedes\":9}");

    assertThat(reply.status()).as(reply.raw()).isEqualTo(404);
    assertThat(reply.error()).isEqualTo("NOT_FOUND");
    assertThat(reply.json().path("message").asText()).contains("decision 9");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"decision\":\"d\"}",
        "{\"title\":\" \",\"decision\":\"d\"}",
        "{\"title\":\"t\"}",
        "{\"title\":\"t\",\"decision\":\"d\",\"supersedes\":0}",
        "{\"title\":\"t\",\"decision\":\"d\",\"supersedes\":\"1\"}",
        "{\"title\":\"t\",\"decision\":\"d\",\"task\":\"a/b\"}",
        "{\"title\":\"t\",\"decision\":\"d\",\"taskId\":\"t-1\"}",
        "{\"title\":[\"t\"],\"decision\":\"d\"}",
        ""
      })
  void shouldRejectABadDecisionWith400BeforeSendingIt(String body) {
    TestHttp.Reply reply = http.send("POST", "/v1/decisions/ws-1", AGENT, body);

    assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
    assertThat(reply.error()).isEqualTo("INVALID");
    assertThat(sdk.calls()).isEmpty();
  }

  @Test
  void shouldRequireTheAgentHeader() {
    TestHttp.Reply reply =
        http.send("POST", "/v1/decisions/ws-1", null, "{\"title\":\"t\",\"decision\":\"d\"}");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(sdk.calls()).isEmpty();
  }
}
