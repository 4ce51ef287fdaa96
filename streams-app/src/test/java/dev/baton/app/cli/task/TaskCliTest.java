package dev.baton.app.cli.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.CliRun;
import dev.baton.app.cli.FakeBatonServer;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code baton task} verbs against a fake server: requests sent, output, exit codes. */
@Timeout(60)
class TaskCliTest {
  private static final String TASK =
      "{\"id\":\"t-1\",\"workspace\":\"ws-1\",\"title\":\"Fix login\",\"status\":\"OPEN\","
          + "\"priority\":2,\"labels\":[\"ui\",\"auth\"],\"fields\":{\"x\":1},\"version\":1,"
          + "\"createdBy\":\"agent-7\",\"createdAt\":\"2025-01-01T00:00:00Z\"}";
  private static final String OUTCOME =
      "{\"commandId\":\"c-1\",\"status\":\"ACCEPTED\",\"code\":\"OK\",\"message\":\"ok\","
          + "\"version\":1,\"state\":"
          + TASK
          + "}";
  private static final String CONFLICT =
      "{\"error\":\"VERSION_CONFLICT\",\"message\":\"title changed at v2\","
          + "\"code\":\"VERSION_CONFLICT\",\"commandId\":\"c-2\",\"version\":2,\"state\":"
          + TASK.replace("\"version\":1", "\"version\":2").replace("Fix login", "Fix logout")
          + "}";

  private FakeBatonServer server;

  @BeforeEach
  void start() throws IOException {
    server = new FakeBatonServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Runs {@code baton task <args>} against the fake server as agent-7 in ws-1. */
  private CliRun task(String... args) {
    return CliRun.of(taskArgs(args));
  }

  /**
   * Asserts that {@code args} is a usage error: picocli's exit code 2 (the contract), a message on
   * stderr naming {@code mentioned}, and no request sent. Through {@link
   * dev.baton.app.cli.BatonCli#commandLine()} the exit code is whatever its exception mapper says,
   * so there only "not 0" is checked.
   */
  private void assertUsageError(String mentioned, String... args) {
    CliRun contract = CliRun.withPicocliDefaults(args);
    CliRun real = CliRun.of(args);

    assertThat(contract.exitCode()).as(contract.toString()).isEqualTo(2);
    assertThat(contract.err()).contains(mentioned);
    assertThat(real.exitCode()).as(real.toString()).isNotZero();
    assertThat(real.err()).contains(mentioned);
    assertThat(server.requests()).isEmpty();
  }

  /** The arguments of {@code baton task <args>} against the fake server. */
  private String[] taskArgs(String... args) {
    List<String> all = new ArrayList<>(List.of("task"));
    all.addAll(Arrays.asList(args));
    all.addAll(List.of("--server", server.url(), "--agent", "agent-7", "--workspace", "ws-1"));
    return all.toArray(String[]::new);
  }

  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  @Nested
  class Create {
    @Test
    void shouldPostTheTaskAndPrintItsVersion() {
      server.answer(201, OUTCOME);

      CliRun run =
          task(
              "create",
              "--title",
              "Fix login",
              "--priority",
              "2",
              "--label",
              "ui",
              "--label",
              "auth",
              "--id",
              "t-1",
              "--description",
              "Users cannot log in");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).startsWith("task t-1 v1 OPEN \"Fix login\"");
      assertThat(run.out()).contains("labels:", "ui, auth", "priority:", "fields:");
      FakeBatonServer.Request request = server.lastRequest();
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.pathAndQuery()).isEqualTo("/v1/tasks/ws-1");
      assertThat(request.agent()).isEqualTo("agent-7");
      assertThat(json(request.body()))
          .isEqualTo(
              json(
                  "{\"id\":\"t-1\",\"title\":\"Fix login\",\"description\":\"Users cannot log"
                      + " in\",\"priority\":2,\"labels\":[\"ui\",\"auth\"]}"));
    }

    @Test
    void shouldPrintTheTaskObjectWithJson() {
      server.answer(201, OUTCOME);

      CliRun run = task("create", "--title", "Fix login", "--json");

      assertThat(run.exitCode()).isZero();
      JsonNode printed = json(run.out());
      assertThat(printed.path("id").asText()).isEqualTo("t-1");
      assertThat(printed.path("version").asLong()).isEqualTo(1);
      assertThat(printed.path("title").asText()).isEqualTo("Fix login");
      assertThat(printed.has("commandId")).isFalse();
    }

    @Test
    void shouldRequireATitle() {
      assertUsageError("--title", taskArgs("create"));
    }
  }

  @Nested
  class Get {
    @Test
    void shouldGetTheTaskOfTheWorkspace() {
      server.answer(200, TASK);

      CliRun run = task("get", "t-1");

      assertThat(run.exitCode()).isZero();
      assertThat(server.lastRequest().method()).isEqualTo("GET");
      assertThat(server.lastRequest().pathAndQuery()).isEqualTo("/v1/tasks/ws-1/t-1");
      assertThat(run.out()).startsWith("task t-1 v1 OPEN \"Fix login\"");
    }

    @Test
    void shouldReportAMissingTaskOnStderrWithExit1() {
      server.answer(
          404, "{\"error\":\"NOT_FOUND\",\"message\":\"task ws-1/task/t-9 does not exist\"}");

      CliRun run = task("get", "t-9");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).contains("error: NOT_FOUND: task ws-1/task/t-9 does not exist");
    }
  }

  @Nested
  class Update {
    @Test
    void shouldSendTheAssignmentsAsAPatch() {
      server.answer(200, OUTCOME);

      CliRun run =
          task(
              "update",
              "t-1",
              "--expected-version",
              "1",
              "--set",
              "title=New title",
              "--set",
              "priority=3",
              "--set",
              "fields.x={\"a\":1}",
              "--set",
              "fields.y=null",
              "--set",
              "labels=[\"a\"]");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(server.lastRequest().method()).isEqualTo("PATCH");
      assertThat(server.lastRequest().pathAndQuery()).isEqualTo("/v1/tasks/ws-1/t-1");
      assertThat(json(server.lastRequest().body()))
          .isEqualTo(
              json(
                  "{\"expectedVersion\":1,\"patch\":{\"title\":\"New title\",\"priority\":3,"
                      + "\"fields\":{\"x\":{\"a\":1},\"y\":null},\"labels\":[\"a\"]}}"));
    }

    @Test
    void shouldPrintARejectionWithTheCurrentStateAndExit1() {
      server.answer(409, CONFLICT);

      CliRun run = task("update", "t-1", "--expected-version", "1", "--set", "title=X");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err())
          .contains("rejected: VERSION_CONFLICT: title changed at v2")
          .contains("task t-1 v2 OPEN \"Fix logout\"");
    }

    @Test
    void shouldPrintARejectionAsJsonWithJson() {
      server.answer(409, CONFLICT);

      CliRun run = task("update", "t-1", "--set", "title=X", "--json");

      assertThat(run.exitCode()).isEqualTo(1);
      JsonNode printed = json(run.out());
      assertThat(printed.path("code").asText()).isEqualTo("VERSION_CONFLICT");
      assertThat(printed.path("message").asText()).isEqualTo("title changed at v2");
      assertThat(printed.path("state").path("version").asLong()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"title", "=x", "fields.=1"})
    void shouldRejectMalformedAssignmentsAsUsageErrors(String assignment) {
      assertUsageError("--set", taskArgs("update", "t-1", "--set", assignment));
    }

    @Test
    void shouldRequireAtLeastOneAssignment() {
      assertUsageError("--set", taskArgs("update", "t-1"));
    }

    @Test
    void shouldSendTheFenceTokenAndTheRelease() {
      server.answer(200, OUTCOME);

      CliRun run = task("update", "t-1", "--set", "title=Done", "--fence", "7", "--release");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(json(server.lastRequest().body()))
          .isEqualTo(json("{\"fenceToken\":7,\"release\":true,\"patch\":{\"title\":\"Done\"}}"));
    }

    @Test
    void shouldSendTheIdempotencyKey() {
      server.answer(200, OUTCOME);

      CliRun run = task("update", "t-1", "--set", "title=Done", "--idempotency-key", "k-7");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(server.lastRequest().idempotencyKey()).isEqualTo("k-7");
    }

    @Test
    void shouldRefuseAMalformedIdempotencyKey() {
      assertUsageError(
          "--idempotency-key",
          taskArgs("update", "t-1", "--set", "a=1", "--idempotency-key", "a/b"));
    }

    @Test
    void shouldRefuseAReleaseWithoutAFence() {
      assertUsageError(
          "--release needs --fence", taskArgs("update", "t-1", "--set", "a=1", "--release"));
    }
  }

  @Nested
  class ClaimAndTransition {
    @Test
    void shouldSendTheGuardsOfATransition() {
      server.answer(200, OUTCOME);

      CliRun run =
          task("transition", "t-1", "--to", "done", "--expected-version", "4", "--fence", "2");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(json(server.lastRequest().body()))
          .isEqualTo(json("{\"to\":\"DONE\",\"expectedVersion\":4,\"fenceToken\":2}"));
    }

    @Test
    void shouldClaim() {
      server.answer(200, OUTCOME);

      CliRun run = task("claim", "t-1");

      assertThat(run.exitCode()).isZero();
      assertThat(server.lastRequest().method()).isEqualTo("POST");
      assertThat(server.lastRequest().pathAndQuery()).isEqualTo("/v1/tasks/ws-1/t-1/claim");
      assertThat(json(server.lastRequest().body())).isEqualTo(json("{}"));
    }

    @Test
    void shouldTransitionWithALenientStatusName() {
      server.answer(200, OUTCOME);

      CliRun run = task("transition", "t-1", "--to", "in-progress", "--reason", "starting");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(server.lastRequest().pathAndQuery()).isEqualTo("/v1/tasks/ws-1/t-1/transition");
      assertThat(json(server.lastRequest().body()))
          .isEqualTo(json("{\"to\":\"IN_PROGRESS\",\"reason\":\"starting\"}"));
    }

    @Test
    void shouldRejectAnUnknownStatusAsAUsageError() {
      assertUsageError(
          "'flying' is not a task status", taskArgs("transition", "t-1", "--to", "flying"));
    }

    @Test
    void shouldReportAnInvalidTransition() {
      server.answer(
          409,
          "{\"error\":\"INVALID_TRANSITION\",\"message\":\"OPEN -> DONE is not allowed\","
              + "\"code\":\"INVALID_TRANSITION\",\"version\":1,\"state\":"
              + TASK
              + "}");

      CliRun run = task("transition", "t-1", "--to", "DONE");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("INVALID_TRANSITION", "task t-1 v1 OPEN");
    }
  }

  @Nested
  class ListTasks {
    @Test
    void shouldPrintOneRowPerTaskAndTheNextCursor() {
      server.answer(
          200, "{\"tasks\":[" + TASK + "," + TASK.replace("t-1", "t-2") + "],\"next\":\"t-2\"}");

      CliRun run = task("list", "--status", "open", "--assignee", "agent-7", "--limit", "2");

      assertThat(run.exitCode()).isZero();
      assertThat(server.lastRequest().pathAndQuery())
          .isEqualTo("/v1/tasks?workspace=ws-1&status=OPEN&assignee=agent-7&limit=2");
      assertThat(run.out().lines())
          .hasSize(3)
          .first()
          .asString()
          .startsWith("t-1")
          .contains("OPEN", "\"Fix login\"");
      assertThat(run.out()).contains("more: --after t-2");
    }

    @Test
    void shouldPassTheCursor() {
      server.answer(200, "{\"tasks\":[],\"next\":null}");

      CliRun run = task("list", "--after", "t-2");

      assertThat(run.exitCode()).isZero();
      assertThat(server.lastRequest().pathAndQuery())
          .isEqualTo("/v1/tasks?workspace=ws-1&limit=100&after=t-2");
      assertThat(run.out()).contains("no tasks");
    }

    @Test
    void shouldPageTransparentlyUpToTheLimit() {
      server.answer(200, "{\"tasks\":[" + TASK + "],\"next\":\"t-1\"}");

      CliRun run = task("list", "--limit", "3");

      assertThat(run.exitCode()).isZero();
      assertThat(server.requests()).hasSize(3);
      assertThat(server.requests().get(1).pathAndQuery()).endsWith("&after=t-1");
      assertThat(run.out().lines().filter(l -> l.startsWith("t-1"))).hasSize(3);
      assertThat(run.out()).contains("more: --after t-1");
    }

    @Test
    void shouldReadAnAnswerLargerThanAnyRequestMayBe() {
      // 1,000 tasks of about 600 bytes: over the 512 KiB a request document may have.
      String description = "x".repeat(480);
      StringBuilder page = new StringBuilder("{\"tasks\":[");
      for (int i = 0; i < 1000; i++) {
        page.append(i == 0 ? "" : ",")
            .append(
                TASK.replace("t-1", "t-" + i)
                    .replace("\"status\"", "\"description\":\"" + description + "\",\"status\""));
      }
      page.append("],\"next\":null}");
      assertThat(page.length()).isGreaterThan(512 * 1024);
      server.answer(200, page.toString());

      CliRun run = task("list", "--limit", "1000");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out().lines().filter(l -> l.startsWith("t-"))).hasSize(1000);
    }

    @Test
    void shouldPrintThePageWithJson() {
      server.answer(200, "{\"tasks\":[" + TASK + "],\"next\":null}");

      CliRun run = task("list", "--json");

      assertThat(json(run.out()).path("tasks").get(0).path("id").asText()).isEqualTo("t-1");
    }
  }

  @Nested
  class Failures {
    @Test
    void shouldSayWhenTheServerCannotBeReached() throws IOException {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      String url = "http://127.0.0.1:" + port;

      CliRun run = CliRun.of("task", "get", "t-1", "--server", url, "--agent", "a");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).startsWith("error: cannot reach Baton at " + url + ": ");
      assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldSayWhenTheAnswerIsNotBaton() {
      server.answerHtml(200, "<html>hello</html>");

      CliRun run = task("get", "t-1");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err())
          .contains("unexpected answer", "HTTP 200", "text/html", "not JSON", "<html>hello");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "..", "a/b", ""})
    void shouldRejectBadIdsAsUsageErrors(String id) {
      assertUsageError("ID", taskArgs("get", id));
    }

    @Test
    void shouldRejectABadServerUrlAsAUsageError() {
      assertUsageError("--server", "task", "get", "t-1", "--server", "ftp://example");
    }

    @Test
    void shouldRejectABadAgentAsAUsageError() {
      assertUsageError("--agent", "task", "get", "t-1", "--server", server.url(), "--agent", "a b");
    }

    @Test
    void shouldRequireAVerb() {
      assertUsageError("a task verb is required", "task");
    }
  }

  @Nested
  class Help {
    @ParameterizedTest
    @ValueSource(strings = {"create", "get", "update", "claim", "transition", "list"})
    void shouldOfferHelpOnEveryVerb(String verb) {
      CliRun run = CliRun.of("task", verb, "--help");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).contains("Usage: baton task " + verb, "--server", "--agent", "--json");
    }
  }
}
