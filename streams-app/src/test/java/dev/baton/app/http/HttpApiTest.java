package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.state.LockQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.app.testing.LogCapture;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.BatonTimeoutException;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP API over in-memory stores and a fake SDK client: routing, binding, error mapping. */
@Timeout(60)
class HttpApiTest {
  private static final String AGENT = "agent-7";

  private final InMemoryTaskStores stores = new InMemoryTaskStores(3);
  private final FakeBatonClient sdk = new FakeBatonClient();
  private final AtomicReference<KafkaStreams.State> state =
      new AtomicReference<>(KafkaStreams.State.RUNNING);
  private HttpApi api;
  private TestHttp http;

  @BeforeEach
  void start() {
    api =
        HttpApi.start(
            "127.0.0.1",
            0,
            state::get,
            new TaskQueries(stores),
            new LockQueries(new InMemoryLockStores()),
            sdk.client());
    http = new TestHttp("http://127.0.0.1:" + api.port());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  static Task task(String workspace, String id, TaskStatus status, String assignee, long version) {
    Instant at = Instant.parse("2025-01-01T00:00:00Z");
    return new Task(
        id,
        workspace,
        "Title of " + id,
        null,
        status,
        assignee,
        null,
        null,
        null,
        Json.mapper().createObjectNode(),
        version,
        "creator",
        at,
        "creator",
        at,
        null);
  }

  static Outcome accepted(FakeBatonClient.Call call, Task task) {
    return new Outcome(
        "cmd-1",
        CommandType.fromWire(call.operation()).orElseThrow(),
        AggregateKeys.task(task.workspace(), task.id()),
        OutcomeStatus.ACCEPTED,
        OutcomeCode.OK,
        "ok",
        task.version(),
        null,
        null,
        null,
        null,
        Json.mapper().valueToTree(task),
        null,
        Instant.now());
  }

  static CompletableFuture<Outcome> rejected(OutcomeCode code, Task current) {
    Outcome outcome =
        Outcome.rejected(
            "cmd-2",
            CommandType.TASK_UPDATE,
            "default/task/t-1",
            code,
            code + " (test)",
            current == null ? null : current.version(),
            current == null ? null : Json.mapper().valueToTree(current),
            Instant.now());
    return CompletableFuture.failedFuture(new BatonRejectedException(outcome));
  }

  private void assertErrorBody(TestHttp.Reply reply, int status, String error) {
    assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
    assertThat(reply.json()).as("JSON error body: " + reply.raw()).isNotNull();
    assertThat(reply.error()).isEqualTo(error);
    assertThat(reply.json().path("message").asText()).isNotBlank();
  }

  private void assertStillHealthy() {
    assertThat(http.get("/v1/health").status()).isEqualTo(200);
  }

  @Nested
  class Health {
    @Test
    void shouldAnswerRunningWhenStreamsRun() {
      TestHttp.Reply reply = http.get("/v1/health");

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.json().path("status").asText()).isEqualTo("RUNNING");
    }

    @Test
    void shouldAnswer503WithTheStateOtherwise() {
      state.set(KafkaStreams.State.REBALANCING);

      TestHttp.Reply reply = http.get("/v1/health");

      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.json().path("status").asText()).isEqualTo("REBALANCING");
    }
  }

  @Nested
  class GetTask {
    @Test
    void shouldReturnTheStoredTask() {
      stores.put("ws-1/task/t-1", task("ws-1", "t-1", TaskStatus.OPEN, null, 3));

      TestHttp.Reply reply = http.get("/v1/tasks/ws-1/t-1");

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.json().path("id").asText()).isEqualTo("t-1");
      assertThat(reply.json().path("version").asLong()).isEqualTo(3);
      assertThat(reply.json().path("status").asText()).isEqualTo("OPEN");
    }

    @Test
    void shouldAnswer404ForAMissingTask() {
      assertErrorBody(http.get("/v1/tasks/ws-1/nope"), 404, "NOT_FOUND");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileStoresAreNotQueryable() {
      stores.setQueryable(false);

      TestHttp.Reply reply = http.get("/v1/tasks/ws-1/t-1");

      assertErrorBody(reply, 503, "UNAVAILABLE");
      assertThat(reply.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void shouldNameTheOwnerWhenTheNodeHoldingTheKeyCannotBeReached() {
      // Port 1: nothing listens there, so the forwarded read fails at once.
      stores.setRemoteOwner("127.0.0.1:1");

      TestHttp.Reply reply = http.get("/v1/tasks/ws-1/t-1");

      assertErrorBody(reply, 503, "UNAVAILABLE");
      assertThat(reply.json().path("message").asText()).contains("127.0.0.1:1");
    }
  }

  @Nested
  class ListTasks {
    @Test
    void shouldPageThroughEveryPartitionInIdOrder() {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        String id = String.format("t-%03d", i);
        ids.add(id);
        stores.put("ws-1/task/" + id, task("ws-1", id, TaskStatus.OPEN, null, 1));
      }
      stores.put("ws-2/task/t-000", task("ws-2", "t-000", TaskStatus.OPEN, null, 1));
      stores.put("ws-10/task/t-000", task("ws-10", "t-000", TaskStatus.OPEN, null, 1));
      assertThat(stores.nonEmptyPartitions()).isGreaterThan(1);

      List<String> seen = new ArrayList<>();
      String after = null;
      int pages = 0;
      do {
        TestHttp.Reply page =
            http.get("/v1/tasks?workspace=ws-1&limit=7" + (after == null ? "" : "&after=" + after));
        assertThat(page.status()).as(page.raw()).isEqualTo(200);
        assertThat(page.json().has("next")).isTrue();
        page.json().path("tasks").forEach(t -> seen.add(t.path("id").asText()));
        after = page.json().path("next").isNull() ? null : page.json().path("next").asText();
        pages++;
      } while (after != null && pages < 10);

      assertThat(seen).containsExactlyElementsOf(ids);
      assertThat(pages).isEqualTo(4);
      assertThat(stores.openIterators()).isZero();
    }

    @Test
    void shouldFilterByStatusAndAssignee() {
      stores.put("default/task/a", task("default", "a", TaskStatus.OPEN, null, 1));
      stores.put("default/task/b", task("default", "b", TaskStatus.CLAIMED, "agent-1", 2));
      stores.put("default/task/c", task("default", "c", TaskStatus.CLAIMED, "agent-2", 2));

      TestHttp.Reply claimed = http.get("/v1/tasks?status=CLAIMED");
      TestHttp.Reply mine = http.get("/v1/tasks?assignee=agent-1");

      assertThat(ids(claimed.json())).containsExactly("b", "c");
      assertThat(ids(mine.json())).containsExactly("b");
      assertThat(claimed.json().path("next").isNull()).isTrue();
    }

    @Test
    void shouldBoundTheScanOfASelectiveFilter() {
      int filler = TaskQueries.MAX_SCANNED + 50;
      for (int i = 0; i < filler; i++) {
        String id = String.format("a-%06d", i);
        stores.put("default/task/" + id, task("default", id, TaskStatus.OPEN, null, 1));
      }
      stores.put("default/task/z-1", task("default", "z-1", TaskStatus.DONE, null, 5));

      TestHttp.Reply first = http.get("/v1/tasks?status=DONE");
      String cursor = first.json().path("next").asText();
      TestHttp.Reply second = http.get("/v1/tasks?status=DONE&after=" + cursor);

      assertThat(first.json().path("tasks")).isEmpty();
      assertThat(cursor).isEqualTo(String.format("a-%06d", TaskQueries.MAX_SCANNED - 1));
      assertThat(ids(second.json())).containsExactly("z-1");
      assertThat(second.json().path("next").isNull()).isTrue();
      assertThat(stores.openIterators()).isZero();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "limit=0",
          "limit=1001",
          "limit=ten",
          "limit=",
          "status=SLEEPING",
          "after=..",
          "workspace=a%2Fb",
          "assignee=%01"
        })
    void shouldRejectBadParameters(String query) {
      assertErrorBody(http.get("/v1/tasks?" + query), 400, "INVALID");
    }

    @Test
    void shouldAnswer503WhileStoresAreNotQueryable() {
      stores.setQueryable(false);

      TestHttp.Reply reply = http.get("/v1/tasks");

      assertErrorBody(reply, 503, "UNAVAILABLE");
      assertThat(reply.headers().firstValue("Retry-After")).hasValue("1");
    }

    private List<String> ids(JsonNode page) {
      List<String> ids = new ArrayList<>();
      page.path("tasks").forEach(t -> ids.add(t.path("id").asText()));
      return ids;
    }
  }

  @Nested
  class Commands {
    @Test
    void shouldLogDebugLinesNotAnErrorWhenTheClientWentAwayBeforeTheOutcome() throws Exception {
      CompletableFuture<Outcome> outcome = new CompletableFuture<>();
      sdk.answer(call -> outcome);
      String mapper = ErrorMapper.class.getName();
      Level before = LogManager.getLogger(mapper).getLevel();
      Configurator.setLevel(mapper, Level.DEBUG);
      List<HttpServletRequest> requests = recordRequests();
      try (LogCapture logs = new LogCapture()) {
        // given a command waiting for its outcome, whose client went away
        String body = "{\"id\":\"t-9\",\"title\":\"x\"}";
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
          socket
              .getOutputStream()
              .write(
                  ("POST /v1/tasks/default HTTP/1.1\r\nHost: x\r\n"
                          + TestHttp.AGENT
                          + ": "
                          + AGENT
                          + "\r\nContent-Type: application/json\r\nContent-Length: "
                          + body.length()
                          + "\r\n\r\n"
                          + body)
                      .getBytes(StandardCharsets.US_ASCII));
          awaitTrue("the command sent", () -> !sdk.calls().isEmpty());
          socket.setSoLinger(true, 0);
        }
        // and the exchange ended and recycled under the gateway: the test completes it, standing
        // in for Jetty ending an exchange whose client is gone
        HttpServletRequest request = requests.get(0);
        awaitTrue("the answer awaited asynchronously", request::isAsyncStarted);
        request.getAsyncContext().complete();

        // when the outcome arrives
        outcome.complete(
            accepted(sdk.calls().get(0), task("default", "t-9", TaskStatus.OPEN, null, 1)));

        // then the gateway says so at DEBUG, one line each time Javalin hands it the ended
        // exchange (the answer, then Javalin's own status check), with no ERROR, no stack trace
        awaitTrue("the gateway gave up the answer", () -> logs.indexOf(mapper) >= 0);
        assertThat(logs.lines().stream().filter(line -> line.startsWith(mapper)))
            .allSatisfy(line -> assertThat(line).contains("went away").doesNotContain("\n"));
        assertThat(logs.lines()).noneMatch(line -> line.contains("likely recycled)\n"));
        assertStillHealthy();
      } finally {
        Configurator.setLevel(mapper, before);
      }
    }

    private static void awaitTrue(String what, BooleanSupplier condition)
        throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!condition.getAsBoolean()) {
        assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
        Thread.sleep(10);
      }
    }

    /** Records every request the gateway sees, from now on. */
    private List<HttpServletRequest> recordRequests() {
      List<HttpServletRequest> seen = new CopyOnWriteArrayList<>();
      Filter record =
          (request, response, chain) -> {
            seen.add((HttpServletRequest) request);
            chain.doFilter(request, response);
          };
      api.jetty()
          .getDescendant(ServletContextHandler.class)
          .addFilter(new FilterHolder(record), "/*", EnumSet.of(DispatcherType.REQUEST));
      return seen;
    }

    @Test
    void shouldCreateForTheHeaderAgentAndAnswer201WithTheOutcome() {
      sdk.answer(
          call ->
              CompletableFuture.completedFuture(
                  accepted(call, task(call.workspace(), "t-9", TaskStatus.OPEN, null, 1))));

      TestHttp.Reply reply =
          http.send(
              "POST",
              "/v1/tasks/ws-1",
              AGENT,
              "{\"id\":\"t-9\",\"title\":\"Fix login\",\"priority\":2,\"labels\":[\"ui\"],"
                  + "\"fields\":{\"x\":1}}");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
      assertThat(reply.json().path("status").asText()).isEqualTo("ACCEPTED");
      assertThat(reply.json().path("state").path("version").asLong()).isEqualTo(1);
      FakeBatonClient.Call call = sdk.calls().get(0);
      assertThat(call.operation()).isEqualTo("task.create");
      assertThat(call.agent()).isEqualTo(AGENT);
      assertThat(call.workspace()).isEqualTo("ws-1");
      assertThat(call.body().path("title").asText()).isEqualTo("Fix login");
      assertThat(call.body().path("fields").path("x").asInt()).isEqualTo(1);
    }

    @Test
    void shouldUpdateWithThePatchObjectAndExpectedVersion() {
      sdk.answer(
          call ->
              CompletableFuture.completedFuture(
                  accepted(call, task("default", "t-1", TaskStatus.OPEN, null, 2))));

      TestHttp.Reply reply =
          http.send(
              "PATCH",
              "/v1/tasks/default/t-1",
              AGENT,
              "{\"expectedVersion\":1,\"patch\":{\"title\":\"New\"}}");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      FakeBatonClient.Call call = sdk.calls().get(0);
      assertThat(call.operation()).isEqualTo("task.update");
      assertThat(call.taskId()).isEqualTo("t-1");
      assertThat(call.body().toString()).isEqualTo("{\"title\":\"New\"}");
      assertThat(call.options().expectedVersion()).isEqualTo(1L);
    }

    @Test
    void shouldAcceptPatchFieldsAtTheTopLevel() {
      sdk.answer(
          call ->
              CompletableFuture.completedFuture(
                  accepted(call, task("default", "t-1", TaskStatus.OPEN, null, 2))));

      TestHttp.Reply reply = http.send("PATCH", "/v1/tasks/default/t-1", AGENT, "{\"priority\":5}");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      assertThat(sdk.calls().get(0).body().toString()).isEqualTo("{\"priority\":5}");
      assertThat(sdk.calls().get(0).options().expectedVersion()).isNull();
    }

    @Test
    void shouldClaimWithoutABody() {
      sdk.answer(
          call ->
              CompletableFuture.completedFuture(
                  accepted(call, task("default", "t-1", TaskStatus.CLAIMED, AGENT, 2))));

      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default/t-1/claim", AGENT, null);

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      assertThat(reply.json().path("state").path("assignee").asText()).isEqualTo(AGENT);
      assertThat(sdk.calls().get(0).operation()).isEqualTo("task.claim");
    }

    @Test
    void shouldTransitionWithTheReason() {
      sdk.answer(
          call ->
              CompletableFuture.completedFuture(
                  accepted(call, task("default", "t-1", TaskStatus.IN_PROGRESS, AGENT, 3))));

      TestHttp.Reply reply =
          http.send(
              "POST",
              "/v1/tasks/default/t-1/transition",
              AGENT,
              "{\"to\":\"IN_PROGRESS\",\"reason\":\"starting\",\"expectedVersion\":2,"
                  + "\"fenceToken\":4,\"release\":true}");

      // The route hands everything to the client's typed transition (WireContractIT reads the
      // command itself off the topic).
      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      FakeBatonClient.Call call = sdk.calls().get(0);
      assertThat(call.operation()).isEqualTo("task.transition");
      assertThat(call.body().path("to").asText()).isEqualTo("IN_PROGRESS");
      assertThat(call.body().path("reason").asText()).isEqualTo("starting");
      assertThat(call.options().expectedVersion()).isEqualTo(2L);
      assertThat(call.options().fence()).isEqualTo(new dev.baton.sdk.protocol.Fence("task/t-1", 4));
      assertThat(call.options().releaseLock()).isTrue();
    }

    @Test
    void shouldAnswerARejectionWith409AndTheCurrentState() {
      Task current = task("default", "t-1", TaskStatus.OPEN, null, 4);
      sdk.answer(call -> rejected(OutcomeCode.VERSION_CONFLICT, current));

      TestHttp.Reply reply =
          http.send(
              "PATCH",
              "/v1/tasks/default/t-1",
              AGENT,
              "{\"expectedVersion\":1,\"patch\":{\"title\":\"New\"}}");

      assertErrorBody(reply, 409, "VERSION_CONFLICT");
      assertThat(reply.json().path("code").asText()).isEqualTo("VERSION_CONFLICT");
      assertThat(reply.json().path("version").asLong()).isEqualTo(4);
      assertThat(reply.json().path("state").path("version").asLong()).isEqualTo(4);
      assertThat(reply.json().path("commandId").asText()).isEqualTo("cmd-2");
    }

    @Test
    void shouldAnswerNotFoundRejectionWith404() {
      sdk.answer(call -> rejected(OutcomeCode.NOT_FOUND, null));

      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default/t-1/claim", AGENT, "{}");

      assertErrorBody(reply, 404, "NOT_FOUND");
      assertThat(reply.json().has("state")).isFalse();
    }

    @Test
    void shouldAnswerInvalidCommandWith400() {
      sdk.answer(
          call ->
              CompletableFuture.failedFuture(
                  new InvalidCommandException("title must not be empty")));

      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default", AGENT, "{}");

      assertErrorBody(reply, 400, "INVALID");
      assertThat(reply.json().path("message").asText()).contains("title");
    }

    @Test
    void shouldAnswerTimeoutWith504() {
      sdk.answer(
          call -> CompletableFuture.failedFuture(new BatonTimeoutException("cmd-3", 30_000)));

      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default/t-1/claim", AGENT, null);

      assertErrorBody(reply, 504, "TIMEOUT");
    }

    @Test
    void shouldAnswerAnUnreachableBrokerWith503() {
      sdk.answer(
          call ->
              CompletableFuture.failedFuture(
                  new BatonException("could not send command: broker down", true, null)));

      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default/t-1/claim", AGENT, null);

      assertErrorBody(reply, 503, "UNAVAILABLE");
    }
  }

  @Nested
  class HostileInputs {
    @Test
    void shouldRequireTheAgentHeader() {
      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default", null, "{\"title\":\"x\"}");

      assertErrorBody(reply, 400, "INVALID");
      assertThat(reply.json().path("message").asText()).contains("X-Baton-Agent");
      assertThat(sdk.calls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent 7", "a/b", "..", "\u00e9t\u00e9"})
    void shouldRejectAMalformedAgentHeader(String agent) {
      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default", agent, "{\"title\":\"x\"}");

      assertErrorBody(reply, 400, "INVALID");
      assertThat(sdk.calls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"title\": ",
          "not json",
          "{\"title\":\"x\"} trailing",
          "[1,2]",
          "null",
          "\"x\"",
          "{\"title\":\"x\",\"title\":\"y\"}"
        })
    void shouldRejectMalformedJsonWithAMessage(String body) {
      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default", AGENT, body);

      assertErrorBody(reply, 400, "INVALID");
      assertThat(sdk.calls()).isEmpty();
      assertStillHealthy();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"title\":5}", "{\"title\":\"x\",\"priority\":\"high\"}",
          "{\"title\":\"x\",\"labels\":\"ui\"}", "{\"title\":\"x\",\"labels\":[1]}",
          "{\"title\":\"x\",\"fields\":[1]}", "{\"title\":\"x\",\"colour\":\"red\"}",
          "{\"title\":\"x\",\"priority\":1e400}"
        })
    void shouldRejectWrongTypedOrUnknownFields(String body) {
      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default", AGENT, body);

      assertErrorBody(reply, 400, "INVALID");
      assertThat(sdk.calls()).isEmpty();
    }

    @Test
    void shouldNameTheFieldOfAWrongType() {
      TestHttp.Reply reply =
          http.send("POST", "/v1/tasks/default", AGENT, "{\"title\":\"x\",\"priority\":\"high\"}");

      assertThat(reply.json().path("message").asText()).contains("priority");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"to\":\"FLYING\"}",
          "{\"to\":3}",
          "{}",
          "{\"to\":\"DONE\",\"expectedVersion\":\"1\"}"
        })
    void shouldRejectBadTransitions(String body) {
      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default/t-1/transition", AGENT, body);

      assertErrorBody(reply, 400, "INVALID");
      assertThat(sdk.calls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{}",
          "{\"expectedVersion\":1}",
          "{\"expectedVersion\":\"1\",\"title\":\"x\"}",
          "{\"expectedVersion\":1.5,\"title\":\"x\"}",
          "{\"patch\":5}",
          "{\"patch\":{\"title\":\"x\"},\"title\":\"y\"}",
          "[]"
        })
    void shouldRejectBadPatches(String body) {
      TestHttp.Reply reply = http.send("PATCH", "/v1/tasks/default/t-1", AGENT, body);

      assertErrorBody(reply, 400, "INVALID");
      assertThat(sdk.calls()).isEmpty();
    }

    @Test
    void shouldAnswer413ForAnOversizedBody() {
      String body = "{\"title\":\"" + "x".repeat(HttpApi.MAX_REQUEST_BYTES) + "\"}";

      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default", AGENT, body);

      assertErrorBody(reply, 413, "TOO_LARGE");
      assertThat(sdk.calls()).isEmpty();
      assertStillHealthy();
    }

    @Test
    void shouldRejectDeeplyNestedJson() {
      String body =
          "{\"title\":\"x\",\"fields\":{\"a\":" + "[".repeat(500) + "]".repeat(500) + "}}";

      TestHttp.Reply reply = http.send("POST", "/v1/tasks/default", AGENT, body);

      assertErrorBody(reply, 400, "INVALID");
      assertStillHealthy();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "/v1/tasks/default/a%01b", "/v1/tasks/default/%2E%2E", "/v1/tasks/default/a%20b",
          "/v1/tasks/default/a%2Fb", "/v1/tasks/w%00s/t-1", "/v1/tasks/default/%C3%A9"
        })
    void shouldRejectBadIdsInThePath(String path) {
      TestHttp.Reply reply = http.get(path);

      assertErrorBody(reply, 400, "INVALID");
      assertStillHealthy();
    }

    @Test
    void shouldRejectAnOverlongId() {
      TestHttp.Reply get = http.get("/v1/tasks/default/" + "a".repeat(300));
      TestHttp.Reply create =
          http.send(
              "POST",
              "/v1/tasks/default",
              AGENT,
              "{\"id\":\"" + "a".repeat(300) + "\",\"title\":\"x\"}");

      assertErrorBody(get, 400, "INVALID");
      assertThat(get.json().path("message").asText()).contains("300");
      assertThat(create.status()).isIn(400);
    }

    @Test
    void shouldAnswerAnUnparsableRequestWithTheJsonErrorBody() throws IOException {
      String raw;
      try (Socket socket = new Socket("127.0.0.1", api.port())) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(
                "GET /v1/health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      }

      assertThat(raw).startsWith("HTTP/1.1 400");
      assertThat(raw).contains("application/json").contains("\"error\":\"INVALID\"");
      assertStillHealthy();
    }

    @Test
    void shouldAnswerUnknownRoutesWithAJson404() {
      assertErrorBody(http.get("/v2/nothing"), 404, "NOT_FOUND");
      assertErrorBody(http.send("POST", "/v1/tasks", AGENT, "{}"), 405, "METHOD_NOT_ALLOWED");
      assertErrorBody(
          http.send("DELETE", "/v1/tasks/default/t-1", AGENT, null), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void shouldNeverAnswer500ForAClientMistake() {
      String[] bodies = {"", "{", "{}", "[]", "0", "{\"title\":null}", "\u0000", "{\"a\":{}}"};
      String[] paths = {
        "/v1/tasks/default",
        "/v1/tasks/default/t-1",
        "/v1/tasks/default/t-1/claim",
        "/v1/tasks/default/t-1/transition"
      };
      sdk.answer(
          call -> CompletableFuture.failedFuture(new InvalidCommandException("invalid (test)")));
      for (String path : paths) {
        for (String method : new String[] {"POST", "PATCH", "PUT"}) {
          for (String body : bodies) {
            TestHttp.Reply reply = http.send(method, path, AGENT, body);
            assertThat(reply.status()).as(method + " " + path + " " + body).isBetween(400, 499);
            assertThat(reply.error()).as(reply.raw()).isNotNull();
          }
        }
      }
      assertStillHealthy();
    }
  }

  /** Refusals name the field, the limit and where, never a Java type or a library setting. */
  @Nested
  class ErrorsSpeakTheProtocol {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "POST|/v1/tasks/default|'x'",
          "POST|/v1/tasks/default|[]",
          "POST|/v1/tasks/default|5",
          "POST|/v1/tasks/default|{'title':'x','priority':'5'}",
          "POST|/v1/tasks/default|{'title':{}}",
          "POST|/v1/tasks/default|{'title':'x','priority':1e400}",
          "POST|/v1/tasks/default|{'title':'x','priority':1.5}",
          "POST|/v1/tasks/default|{'title':'x','labels':'a'}",
          "POST|/v1/tasks/default|{'title':'x','fields':[]}",
          "POST|/v1/tasks/default|{'title':'x','fields':{'n':NaN}}",
          "POST|/v1/tasks/default|{'title':'x',}",
          "POST|/v1/tasks/default|{'title':'x'} {}",
          "POST|/v1/tasks/default|{'title':'x','fields':{'n':123456789012345678901234567890123}}",
          "POST|/v1/tasks/default/t-1/transition|{'to':'FLYING'}",
          "POST|/v1/tasks/default/t-1/transition|{'to':3}",
          "POST|/v1/tasks/default/t-1/transition|{'to':'DONE','expectedVersion':'1'}",
          "POST|/v1/tasks/default/t-1/transition|{'to':'DONE','release':'yes'}",
          "POST|/v1/tasks/default/t-1/claim|{'fenceToken':1.5}",
          "PATCH|/v1/tasks/default/t-1|{'patch':5}",
          "PATCH|/v1/tasks/default/t-1|{'expectedVersion':1.5,'title':'x'}",
          "POST|/v1/locks/default/acquire|{'resource':'a','mode':'SHARED'}",
          "POST|/v1/locks/default/acquire|{'resource':'a','mode':'EXCLUSIVE','leaseMs':'5'}",
          "POST|/v1/locks/default/acquire|{'resource':5,'mode':'EXCLUSIVE'}",
          "POST|/v1/locks/default/renew|{'resource':'a','leaseMs':true}",
          "POST|/v1/decisions/default|{'title':'t','decision':'d','supersedes':'x'}",
        })
    void shouldRefuseHostileBodiesInTheProtocolsWords(String method, String path, String body) {
      TestHttp.Reply reply = http.send(method, path, AGENT, body.replace('\'', '"'));

      assertErrorBody(reply, 400, "INVALID");
      assertSpeaksTheProtocol(reply.json().path("message").asText());
      assertThat(sdk.calls()).isEmpty();
    }

    @Test
    void shouldNameTheNestingLimit() {
      String deep = "[".repeat(40) + "]".repeat(40);

      TestHttp.Reply reply =
          http.send(
              "POST",
              "/v1/tasks/default",
              AGENT,
              "{\"title\":\"x\",\"fields\":{\"n\":" + deep + "}}");

      assertErrorBody(reply, 400, "INVALID");
      assertThat(reply.json().path("message").asText())
          .contains("nests deeper than " + Json.MAX_NESTING_DEPTH + " levels");
      assertSpeaksTheProtocol(reply.json().path("message").asText());
    }

    @Test
    void shouldNameTheFieldOfAWrongType() {
      TestHttp.Reply reply =
          http.send("POST", "/v1/tasks/default", AGENT, "{\"title\":\"x\",\"priority\":\"5\"}");

      assertThat(reply.json().path("message").asText())
          .isEqualTo("field 'priority' must be an integer, got a string");
    }

    private void assertSpeaksTheProtocol(String message) {
      assertThat(message)
          .doesNotContain("dev.baton")
          .doesNotContain("java.")
          .doesNotContain("com.fasterxml")
          .doesNotContain("`")
          .doesNotContain("Config")
          .doesNotContain("Feature")
          .doesNotContain("Constraints")
          .doesNotContain("Exception")
          .doesNotContain("Creator")
          .doesNotContain("deserialize");
    }
  }
}
