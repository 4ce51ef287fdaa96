package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.CliRun;
import dev.baton.app.testing.TestBaton;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API and the {@code baton task} CLI end to end: a real {@code BatonService} (topology,
 * state stores, SDK) on the shared test broker, driven over HTTP.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiIT {
  private static final String AGENT = "agent-it";

  private TestBaton baton;
  private TestHttp http;
  private String base;

  /** A workspace of this run alone, so listings see only this run's tasks. */
  private final String workspace = "ws-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  void start(@TempDir Path dataDir) {
    baton = TestBaton.start(dataDir, Map.of());
    base = baton.httpBase();
    http = new TestHttp(base);
    assertThat(http.get("/v1/health").status()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    if (baton != null) {
      baton.close();
    }
  }

  @AfterEach
  void serverStaysHealthy() {
    TestHttp.Reply health = http.get("/v1/health");
    assertThat(health.status()).as(health.raw()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("RUNNING");
  }

  private TestHttp.Reply create(String id, String title) {
    return http.send(
        "POST",
        "/v1/tasks/" + workspace,
        AGENT,
        "{\"id\":\"" + id + "\",\"title\":\"" + title + "\"}");
  }

  private static void assertErrorBody(TestHttp.Reply reply, int status, String error) {
    assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
    assertThat(reply.json()).as("JSON error body: " + reply.raw()).isNotNull();
    assertThat(reply.error()).as(reply.raw()).isEqualTo(error);
    assertThat(reply.json().path("message").asText()).isNotBlank();
  }

  @Nested
  class Idempotency {
    private TestHttp.Reply withKey(String method, String path, String body, String key) {
      return http.send(method, path, AGENT, body, Map.of("Idempotency-Key", key));
    }

    @Test
    void shouldApplyARepeatedUpdateOnceAndAnswerItWithTheFirstOutcome() {
      assertThat(create("idem-1", "Start").status()).isEqualTo(201);
      String path = "/v1/tasks/" + workspace + "/idem-1";

      TestHttp.Reply first = withKey("PATCH", path, "{\"title\":\"Once\"}", "k-idem-1");
      TestHttp.Reply again = withKey("PATCH", path, "{\"title\":\"Once\"}", "k-idem-1");

      assertThat(first.status()).as(first.raw()).isEqualTo(200);
      assertThat(again.status()).as(again.raw()).isEqualTo(200);
      assertThat(first.json().path("status").asText()).isEqualTo("ACCEPTED");
      assertThat(again.json().path("status").asText()).isEqualTo("DUPLICATE");
      assertThat(again.json().path("version").asLong()).isEqualTo(2);
      assertThat(http.get(path).json().path("version").asLong()).isEqualTo(2);
      TestHttp.Reply fresh = withKey("PATCH", path, "{\"title\":\"Twice\"}", "k-idem-2");
      assertThat(fresh.json().path("version").asLong()).isEqualTo(3);
    }

    @Test
    void shouldAnswerARepeatedCreateWithTheFirstOutcomeNotAConflict() {
      String path = "/v1/tasks/" + workspace;
      String body = "{\"id\":\"idem-2\",\"title\":\"T\"}";

      TestHttp.Reply first = withKey("POST", path, body, "k-create-2");
      TestHttp.Reply again = withKey("POST", path, body, "k-create-2");

      assertThat(first.status()).as(first.raw()).isEqualTo(201);
      assertThat(again.status()).as(again.raw()).isEqualTo(201);
      assertThat(again.json().path("status").asText()).isEqualTo("DUPLICATE");
      assertErrorBody(create("idem-2", "T"), 409, "ALREADY_EXISTS");
    }

    @Test
    void shouldKeepTheSameKeyOfTwoAgentsApart() {
      assertThat(create("idem-5", "Start").status()).isEqualTo(201);
      String path = "/v1/tasks/" + workspace + "/idem-5";

      TestHttp.Reply alice =
          http.send("PATCH", path, "alice", "{\"title\":\"A\"}", Map.of("Idempotency-Key", "k-5"));
      TestHttp.Reply bob =
          http.send("PATCH", path, "bob", "{\"title\":\"B\"}", Map.of("Idempotency-Key", "k-5"));

      assertThat(alice.json().path("status").asText()).isEqualTo("ACCEPTED");
      assertThat(bob.json().path("status").asText()).as(bob.raw()).isEqualTo("ACCEPTED");
      assertThat(http.get(path).json().path("title").asText()).isEqualTo("B");
      assertThat(http.get(path).json().path("version").asLong()).isEqualTo(3);
    }

    @Test
    void shouldRefuseACreateWithoutIdAndAMalformedKey() {
      String path = "/v1/tasks/" + workspace;

      assertErrorBody(withKey("POST", path, "{\"title\":\"T\"}", "k-3"), 400, "INVALID");
      assertErrorBody(
          withKey("POST", path, "{\"id\":\"idem-4\",\"title\":\"T\"}", "bad/key"), 400, "INVALID");
      assertErrorBody(http.send("GET", path + "/idem-4", null, null, Map.of()), 404, "NOT_FOUND");
    }
  }

  @Nested
  class TaskLifeCycle {
    @Test
    void shouldCreateReadAndUpdateWithOptimisticLocking() {
      TestHttp.Reply created = create("life-1", "Fix login");
      assertThat(created.status()).as(created.raw()).isEqualTo(201);
      assertThat(created.json().path("status").asText()).isEqualTo("ACCEPTED");
      assertThat(created.json().path("state").path("version").asLong()).isEqualTo(1);

      TestHttp.Reply read = http.get("/v1/tasks/" + workspace + "/life-1");
      assertThat(read.status()).as(read.raw()).isEqualTo(200);
      assertThat(read.json().path("title").asText()).isEqualTo("Fix login");
      assertThat(read.json().path("version").asLong()).isEqualTo(1);

      TestHttp.Reply updated =
          http.send(
              "PATCH",
              "/v1/tasks/" + workspace + "/life-1",
              AGENT,
              "{\"expectedVersion\":1,\"patch\":{\"title\":\"Fix login for good\"}}");
      assertThat(updated.status()).as(updated.raw()).isEqualTo(200);
      assertThat(updated.json().path("state").path("version").asLong()).isEqualTo(2);

      TestHttp.Reply stale =
          http.send(
              "PATCH",
              "/v1/tasks/" + workspace + "/life-1",
              AGENT,
              "{\"expectedVersion\":1,\"title\":\"Someone else's title\"}");
      assertErrorBody(stale, 409, "VERSION_CONFLICT");
      assertThat(stale.json().path("code").asText()).isEqualTo("VERSION_CONFLICT");
      assertThat(stale.json().path("version").asLong()).isEqualTo(2);
      assertThat(stale.json().path("state").path("title").asText()).isEqualTo("Fix login for good");
    }

    @Test
    void shouldRejectASecondCreateOfTheSameId() {
      assertThat(create("dup-1", "first").status()).isEqualTo(201);

      TestHttp.Reply again = create("dup-1", "second");

      assertErrorBody(again, 409, "ALREADY_EXISTS");
      assertThat(again.json().path("state").path("title").asText()).isEqualTo("first");
    }

    @Test
    void shouldClaimAndMoveThroughTheLifeCycle() {
      assertThat(create("flow-1", "Ship it").status()).isEqualTo(201);

      TestHttp.Reply claimed =
          http.send("POST", "/v1/tasks/" + workspace + "/flow-1/claim", AGENT, null);
      assertThat(claimed.status()).as(claimed.raw()).isEqualTo(200);
      assertThat(claimed.json().path("state").path("status").asText()).isEqualTo("CLAIMED");
      assertThat(claimed.json().path("state").path("assignee").asText()).isEqualTo(AGENT);

      TestHttp.Reply started =
          http.send(
              "POST",
              "/v1/tasks/" + workspace + "/flow-1/transition",
              AGENT,
              "{\"to\":\"IN_PROGRESS\",\"reason\":\"on it\"}");
      assertThat(started.status()).as(started.raw()).isEqualTo(200);
      assertThat(started.json().path("state").path("status").asText()).isEqualTo("IN_PROGRESS");

      TestHttp.Reply invalid =
          http.send(
              "POST",
              "/v1/tasks/" + workspace + "/flow-1/transition",
              AGENT,
              "{\"to\":\"CLAIMED\"}");
      assertErrorBody(invalid, 409, "INVALID_TRANSITION");
      assertThat(invalid.json().path("state").path("status").asText()).isEqualTo("IN_PROGRESS");
    }

    @Test
    void shouldAnswer404ForAMissingTask() {
      assertErrorBody(http.get("/v1/tasks/" + workspace + "/never-created"), 404, "NOT_FOUND");
      assertErrorBody(
          http.send("POST", "/v1/tasks/" + workspace + "/never-created/claim", AGENT, "{}"),
          404,
          "NOT_FOUND");
    }
  }

  @Nested
  class Listing {
    @Test
    void shouldPageThroughEveryTaskExactlyOnceInIdOrder() {
      String ws = workspace + "-list";
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 23; i++) {
        String id = String.format("p-%03d", i);
        ids.add(id);
        TestHttp.Reply created =
            http.send("POST", "/v1/tasks/" + ws, AGENT, "{\"id\":\"" + id + "\",\"title\":\"t\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
      }

      List<String> seen = new ArrayList<>();
      String after = null;
      int pages = 0;
      do {
        TestHttp.Reply page =
            http.get(
                "/v1/tasks?workspace="
                    + ws
                    + "&limit=5"
                    + (after == null ? "" : "&after=" + after));
        assertThat(page.status()).as(page.raw()).isEqualTo(200);
        page.json().path("tasks").forEach(t -> seen.add(t.path("id").asText()));
        JsonNode next = page.json().get("next");
        assertThat(next).as("next is always present").isNotNull();
        after = next.isNull() ? null : next.asText();
        pages++;
      } while (after != null && pages < 20);

      assertThat(seen).containsExactlyElementsOf(ids);
      assertThat(pages).isEqualTo(5);
    }

    @Test
    void shouldFilterByStatus() {
      String ws = workspace + "-filter";
      for (String id : List.of("f-1", "f-2", "f-3")) {
        http.send("POST", "/v1/tasks/" + ws, AGENT, "{\"id\":\"" + id + "\",\"title\":\"t\"}");
      }
      http.send("POST", "/v1/tasks/" + ws + "/f-2/claim", AGENT, null);

      TestHttp.Reply claimed = http.get("/v1/tasks?workspace=" + ws + "&status=CLAIMED");

      assertThat(claimed.json().path("tasks")).hasSize(1);
      assertThat(claimed.json().path("tasks").get(0).path("id").asText()).isEqualTo("f-2");
    }

    @Test
    void shouldRejectALimitOutOfRange() {
      assertErrorBody(http.get("/v1/tasks?limit=1001"), 400, "INVALID");
      assertErrorBody(http.get("/v1/tasks?limit=0"), 400, "INVALID");
    }
  }

  @Nested
  class HostileInputs {
    private final String tasks = "/v1/tasks/" + workspace;

    @Test
    void shouldAnswerMalformedJsonWith400() {
      assertErrorBody(http.send("POST", tasks, AGENT, "{\"title\": "), 400, "INVALID");
      assertErrorBody(http.send("POST", tasks, AGENT, "{\"title\": 7}"), 400, "INVALID");
      assertErrorBody(
          http.send("POST", tasks, AGENT, "{\"title\":\"x\",\"bogus\":1}"), 400, "INVALID");
    }

    @Test
    void shouldAnswerAnOversizedBodyWith413() {
      String body = "{\"title\":\"" + "x".repeat(300 * 1024) + "\"}";

      assertErrorBody(http.send("POST", tasks, AGENT, body), 413, "TOO_LARGE");
    }

    @Test
    void shouldAnswerBadIdsWith400() {
      assertErrorBody(
          http.send("POST", tasks, AGENT, "{\"id\":\"..\",\"title\":\"x\"}"), 400, "INVALID");
      assertErrorBody(
          http.send("POST", tasks, AGENT, "{\"id\":\"../etc\",\"title\":\"x\"}"), 400, "INVALID");
      assertErrorBody(http.get(tasks + "/%2E%2E"), 400, "INVALID");
      assertErrorBody(http.get(tasks + "/a%01b"), 400, "INVALID");
      assertErrorBody(
          http.send("POST", tasks, AGENT, "{\"id\":\"a\\u0001b\",\"title\":\"x\"}"),
          400,
          "INVALID");
      assertErrorBody(http.get(tasks + "/" + "a".repeat(300)), 400, "INVALID");
      assertErrorBody(
          http.send("POST", tasks, AGENT, "{\"id\":\"" + "a".repeat(300) + "\",\"title\":\"x\"}"),
          400,
          "INVALID");
    }

    @Test
    void shouldRequireTheAgentHeader() {
      assertErrorBody(http.send("POST", tasks, null, "{\"title\":\"x\"}"), 400, "INVALID");
      assertErrorBody(http.send("POST", tasks, "bad agent", "{\"title\":\"x\"}"), 400, "INVALID");
    }

    @Test
    void shouldAnswerUnknownRoutesWithJson() {
      assertErrorBody(http.get("/v1/nothing/here"), 404, "NOT_FOUND");
    }
  }

  @Nested
  class Cli {
    private CliRun task(String... args) {
      List<String> all = new ArrayList<>(List.of("task"));
      all.addAll(List.of(args));
      all.addAll(List.of("--server", base, "--agent", "cli-it", "--workspace", workspace));
      return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void shouldCreateUpdateAndReportAStaleVersion() {
      CliRun created = task("create", "--id", "cli-1", "--title", "From the CLI", "--label", "x");
      assertThat(created.exitCode()).as(created.toString()).isZero();
      assertThat(created.out()).startsWith("task cli-1 v1 OPEN \"From the CLI\"");

      CliRun updated =
          task(
              "update",
              "cli-1",
              "--expected-version",
              "1",
              "--set",
              "title=Renamed",
              "--set",
              "fields.owner=\"team-a\"");
      assertThat(updated.exitCode()).as(updated.toString()).isZero();
      assertThat(updated.out()).startsWith("task cli-1 v2 OPEN \"Renamed\"");
      assertThat(updated.out()).contains("{\"owner\":\"team-a\"}");

      CliRun stale = task("update", "cli-1", "--expected-version", "1", "--set", "title=Mine");
      assertThat(stale.exitCode()).as(stale.toString()).isEqualTo(1);
      assertThat(stale.err()).contains("VERSION_CONFLICT", "task cli-1 v2 OPEN \"Renamed\"");

      CliRun staleJson =
          task("update", "cli-1", "--expected-version", "1", "--set", "title=Mine", "--json");
      assertThat(staleJson.exitCode()).isEqualTo(1);
      assertThat(staleJson.out()).contains("\"code\" : \"VERSION_CONFLICT\"");
    }

    @Test
    void shouldGetClaimTransitionAndList() {
      assertThat(task("create", "--id", "cli-2", "--title", "Second").exitCode()).isZero();

      CliRun claimed = task("claim", "cli-2");
      CliRun started = task("transition", "cli-2", "--to", "in_progress");
      CliRun got = task("get", "cli-2", "--json");
      CliRun listed = task("list", "--status", "IN_PROGRESS");

      assertThat(claimed.out()).as(claimed.toString()).startsWith("task cli-2 v2 CLAIMED");
      assertThat(started.out()).as(started.toString()).startsWith("task cli-2 v3 IN_PROGRESS");
      assertThat(got.out()).contains("\"assignee\" : \"cli-it\"", "\"version\" : 3");
      assertThat(listed.out()).contains("cli-2").doesNotContain("more:");
    }
  }
}
