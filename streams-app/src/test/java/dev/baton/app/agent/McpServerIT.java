package dev.baton.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.protocol.Json;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Baton's MCP server end to end with the MCP Java SDK's client, over streamable HTTP ({@code /mcp})
 * and over stdio ({@code baton mcp} as a child process bridging to it): every tool, rejections as
 * {@code isError}, progress while a lock request waits in the queue.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpServerIT {
  static final List<String> TOOLS =
      List.of(
          "baton_status",
          "task_list",
          "task_get",
          "task_create",
          "task_claim",
          "task_update",
          "task_transition",
          "lock_acquire",
          "lock_renew",
          "lock_release",
          "decision_record",
          "decision_list",
          "events_wait");

  private TestBaton baton;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    baton = TestBaton.start(dataDir, Map.of());
  }

  @AfterAll
  void stop() {
    if (baton != null) {
      baton.close();
    }
  }

  static JsonNode result(McpSchema.CallToolResult result) {
    String text = ((McpSchema.TextContent) result.content().get(0)).text();
    try {
      return Json.mapper().readTree(text);
    } catch (Exception e) {
      throw new AssertionError("tool result is not JSON: " + text, e);
    }
  }

  static McpSchema.CallToolResult call(
      McpSyncClient client, String tool, Map<String, Object> args) {
    return client.callTool(new McpSchema.CallToolRequest(tool, args));
  }

  static JsonNode ok(McpSyncClient client, String tool, Map<String, Object> args) {
    McpSchema.CallToolResult result = call(client, tool, args);
    assertThat(result.isError()).as(tool + " " + result.content()).isFalse();
    return result(result);
  }

  /** The same checks over either transport. */
  abstract class Transport {
    abstract McpSyncClient client(
        String agent, java.util.function.Consumer<McpSchema.ProgressNotification> progress);

    @Test
    void shouldListEveryToolWithASchema() {
      try (McpSyncClient client = client("lister-" + suffix(), p -> {})) {
        List<McpSchema.Tool> tools = client.listTools().tools();
        assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyElementsOf(TOOLS);
        assertThat(tools)
            .allSatisfy(t -> assertThat(t.inputSchema()).containsEntry("type", "object"));
      }
    }

    @Test
    void shouldCallEveryToolAndAnswerRejectionsAsToolErrors() {
      String me = "alice-" + suffix();
      String id = "t-" + suffix();
      try (McpSyncClient client = client(me, p -> {})) {
        JsonNode created = ok(client, "task_create", Map.of("title", "Fix login", "id", id));
        assertThat(created.path("task").path("status").asText()).isEqualTo("OPEN");
        assertThat(ok(client, "task_get", Map.of("id", id)).path("title").asText())
            .isEqualTo("Fix login");
        assertThat(
                ok(client, "task_claim", Map.of("id", id)).path("task").path("assignee").asText())
            .isEqualTo(me);
        JsonNode listed = ok(client, "task_list", Map.of("assignee", "me"));
        assertThat(listed.path("tasks").findValuesAsText("id")).contains(id);

        JsonNode updated =
            ok(
                client,
                "task_update",
                Map.of("id", id, "expectedVersion", 2, "set", Map.of("title", "Fix login flow")));
        assertThat(updated.path("task").path("version").asLong()).isEqualTo(3);

        McpSchema.CallToolResult stale =
            call(
                client,
                "task_update",
                Map.of("id", id, "expectedVersion", 2, "set", Map.of("title", "Stale")));
        assertThat(stale.isError()).isTrue();
        JsonNode conflict = result(stale);
        assertThat(conflict.path("error").asText()).isEqualTo("VERSION_CONFLICT");
        assertThat(conflict.path("state").path("title").asText()).isEqualTo("Fix login flow");

        assertThat(
                ok(client, "task_transition", Map.of("id", id, "to", "IN_PROGRESS"))
                    .path("task")
                    .path("status")
                    .asText())
            .isEqualTo("IN_PROGRESS");
        McpSchema.CallToolResult invalidMove =
            call(client, "task_transition", Map.of("id", id, "to", "CLAIMED"));
        assertThat(invalidMove.isError()).isTrue();
        assertThat(result(invalidMove).path("error").asText()).isEqualTo("INVALID_TRANSITION");

        String file = "file/src/" + suffix() + ".java";
        JsonNode grant = ok(client, "lock_acquire", Map.of("resource", file, "leaseMs", 60_000));
        assertThat(grant.path("status").asText()).isEqualTo("GRANTED");
        long token = grant.path("token").asLong();
        JsonNode status = ok(client, "baton_status", Map.of());
        assertThat(status.path("agent").asText()).isEqualTo(me);
        assertThat(status.path("locks").get(0).path("resource").asText()).isEqualTo(file);
        assertThat(status.path("locks").get(0).path("token").asLong()).isEqualTo(token);
        assertThat(status.path("tasks").get(0).path("id").asText()).isEqualTo(id);
        assertThat(status.path("tasks").get(0).path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(status.path("queued")).isEmpty();
        assertThat(status.has("decisions")).isTrue();
        assertThat(ok(client, "lock_renew", Map.of("resource", file)).path("token").asLong())
            .isEqualTo(token);
        assertThat(ok(client, "lock_release", Map.of("resource", file)).path("status").asText())
            .isEqualTo("ACCEPTED");
        McpSchema.CallToolResult notHeld = call(client, "lock_release", Map.of("resource", file));
        assertThat(notHeld.isError()).isTrue();
        assertThat(result(notHeld).path("error").asText()).isIn("NOT_HOLDER", "NOT_FOUND");

        JsonNode decision =
            ok(
                client,
                "decision_record",
                Map.of("title", "Use JWT", "decision", "JWT everywhere", "taskId", id));
        assertThat(decision.path("number").asLong()).isPositive();
        McpSchema.CallToolResult decisions = call(client, "decision_list", Map.of("taskId", id));
        // Served from the projection, which trails the log: present or, at worst, not yet there.
        assertThat(decisions.isError()).as(decisions.content().toString()).isFalse();
        assertThat(result(decisions).has("decisions")).isTrue();

        McpSchema.CallToolResult unknownArg =
            call(client, "task_get", Map.of("id", id, "agent", "mallory"));
        assertThat(unknownArg.isError()).isTrue();
        assertThat(result(unknownArg).path("message").asText())
            .contains("unknown argument 'agent'");
      }
    }

    @Test
    void shouldReportTheQueuePositionWhileWaiting() throws Exception {
      String file = "file/src/queue-" + suffix() + ".java";
      List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
      try (McpSyncClient holder = client("holder-" + suffix(), p -> {});
          McpSyncClient waiter = client("waiter-" + suffix(), progress::add)) {
        ok(holder, "lock_acquire", Map.of("resource", file));
        CompletableFuture<McpSchema.CallToolResult> waiting =
            CompletableFuture.supplyAsync(
                () ->
                    waiter.callTool(
                        McpSchema.CallToolRequest.builder("lock_acquire")
                            .arguments(Map.of("resource", file, "waitMs", 30_000))
                            .progressToken("wait-1")
                            .build()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (progress.isEmpty() && System.nanoTime() < deadline) {
          Thread.onSpinWait();
          Thread.sleep(20);
        }
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(0).message()).contains("position 1");
        ok(holder, "lock_release", Map.of("resource", file));
        JsonNode granted = result(waiting.get(60, TimeUnit.SECONDS));
        assertThat(granted.path("status").asText()).isEqualTo("GRANTED");
      }
    }

    @Test
    void shouldWaitFromTheStatusCursorForEventsMadeAfterIt() {
      String id = "e-" + suffix();
      try (McpSyncClient watcher = client("watcher-" + suffix(), p -> {});
          McpSyncClient maker = client("maker-" + suffix(), p -> {})) {
        String cursor = ok(watcher, "baton_status", Map.of()).path("cursor").asText();
        assertThat(cursor).startsWith("c1.");
        CompletableFuture<JsonNode> waiting =
            CompletableFuture.supplyAsync(
                () ->
                    ok(
                        watcher,
                        "events_wait",
                        Map.of("after", cursor, "task", id, "timeoutMs", 50_000)));
        ok(maker, "task_create", Map.of("title", "Watch me", "id", id));

        JsonNode got = waiting.join();
        assertThat(got.path("events")).hasSize(1);
        JsonNode event = got.path("events").get(0);
        assertThat(event.path("type").asText()).isEqualTo("task.created");
        assertThat(event.path("key").asText()).isEqualTo("default/task/" + id);
        assertThat(event.path("agent").asText()).startsWith("maker-");
        assertThat(event.path("data").path("title").asText()).isEqualTo("Watch me");
        assertThat(event.has("id")).as("compact: no event id").isFalse();
        String next = got.path("next").asText();
        assertThat(next).startsWith("c1.").isNotEqualTo(cursor);

        // A filter that excludes the event: the wait runs out, no events, a cursor past it.
        JsonNode none =
            ok(
                watcher,
                "events_wait",
                Map.of(
                    "after",
                    cursor,
                    "task",
                    id,
                    "types",
                    List.of("lock.granted"),
                    "timeoutMs",
                    300));
        assertThat(none.path("events")).isEmpty();
        String skipped = none.path("next").asText();
        assertThat(skipped).startsWith("c1.");
        assertThat(
                ok(watcher, "events_wait", Map.of("after", skipped, "task", id, "timeoutMs", 0))
                    .path("events"))
            .as("the skipped event is behind the cursor")
            .isEmpty();

        JsonNode fromStart =
            ok(
                watcher,
                "events_wait",
                Map.of("after", "beginning", "task", id, "timeoutMs", 30_000));
        assertThat(fromStart.path("events").findValuesAsText("type")).contains("task.created");
      }
    }

    @Test
    void shouldRefuseHostileEventsWaitArgumentsNamingThem() {
      try (McpSyncClient client = client("hostile-" + suffix(), p -> {})) {
        assertInvalid(client, Map.of("timeoutMs", 1_000_000_000), "timeoutMs");
        assertInvalid(client, Map.of("after", "c1.%%%not-a-cursor"), "after");
        assertInvalid(client, Map.of("types", List.of("task.nope")), "types");
        assertInvalid(client, Map.of("limit", 0), "limit");
        assertInvalid(client, Map.of("task", "../x"), "task");
        assertInvalid(client, Map.of("since", "now"), "since");
      }
    }

    private void assertInvalid(McpSyncClient client, Map<String, Object> args, String named) {
      McpSchema.CallToolResult refused = call(client, "events_wait", args);
      assertThat(refused.isError()).as(args.toString()).isTrue();
      JsonNode body = result(refused);
      assertThat(body.path("error").asText()).isEqualTo("INVALID");
      assertThat(body.path("message").asText()).contains(named);
    }

    @Test
    void shouldAnswerQueuedAtOnceWhenAsked() {
      String file = "file/src/async-" + suffix() + ".java";
      try (McpSyncClient holder = client("holder-" + suffix(), p -> {});
          McpSyncClient waiter = client("waiter-" + suffix(), p -> {})) {
        ok(holder, "lock_acquire", Map.of("resource", file));
        JsonNode queued =
            ok(waiter, "lock_acquire", Map.of("resource", file, "waitMs", 20_000, "queue", true));
        assertThat(queued.path("status").asText()).isEqualTo("QUEUED");
        assertThat(queued.path("position").asInt()).isEqualTo(1);
        JsonNode waiting = ok(waiter, "baton_status", Map.of()).path("queued").get(0);
        assertThat(waiting.path("resource").asText()).isEqualTo(file);
        assertThat(waiting.path("position").asInt()).isEqualTo(1);
        assertThat(ok(waiter, "lock_release", Map.of("resource", file)).path("status").asText())
            .isEqualTo("ACCEPTED");
      }
    }
  }

  @Nested
  class StreamableHttp extends Transport {
    @Override
    McpSyncClient client(
        String agent, java.util.function.Consumer<McpSchema.ProgressNotification> progress) {
      return McpClients.http(baton.httpBase(), agent, progress);
    }

    @Test
    void shouldRefuseToolCallsWithoutAnAgent() {
      try (McpSyncClient client = client("", p -> {})) {
        McpSchema.CallToolResult result = call(client, "task_list", Map.of());
        assertThat(result.isError()).isTrue();
        assertThat(result(result).path("message").asText()).contains("X-Baton-Agent");
      }
    }

    /**
     * More waiting calls than the MCP SDK's default worker pool has threads (10 per core): the call
     * that makes their event must still run, or they would all wait out their timeout. One client
     * per waiter: the calls of one SDK client did not overlap (with one client this passed without
     * the fix; with one per waiter it failed after the 50 s).
     */
    @Test
    void shouldServeOtherCallsWhileManyEventsWaitCallsWait() {
      String id = "many-" + suffix();
      int waiters = 10 * Runtime.getRuntime().availableProcessors() + 5;
      List<McpSyncClient> clients = new java.util.ArrayList<>();
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(waiters);
      try (McpSyncClient maker = client("maker-" + suffix(), p -> {})) {
        String cursor = ok(maker, "baton_status", Map.of()).path("cursor").asText();
        List<CompletableFuture<JsonNode>> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < waiters; i++) {
          McpSyncClient watcher = client("watcher-" + i + "-" + suffix(), p -> {});
          clients.add(watcher);
          waiting.add(
              CompletableFuture.supplyAsync(
                  () ->
                      ok(
                          watcher,
                          "events_wait",
                          Map.of("after", cursor, "task", id, "timeoutMs", 50_000)),
                  pool));
        }
        ok(maker, "task_create", Map.of("title", "Wake them all", "id", id));
        for (CompletableFuture<JsonNode> w : waiting) {
          assertThat(w.join().path("events").findValuesAsText("type"))
              .containsExactly("task.created");
        }
      } finally {
        pool.shutdownNow();
        clients.forEach(McpSyncClient::close);
      }
    }

    @Test
    void shouldServeTheTaskResource() {
      String id = "r-" + suffix();
      try (McpSyncClient client = client("reader-" + suffix(), p -> {})) {
        ok(client, "task_create", Map.of("title", "Read me", "id", id));
        McpSchema.ReadResourceResult read =
            client.readResource(new McpSchema.ReadResourceRequest("baton://tasks/" + id));
        String text = ((McpSchema.TextResourceContents) read.contents().get(0)).text();
        assertThat(text).contains("\"title\":\"Read me\"");
        McpSchema.ReadResourceResult decisions =
            client.readResource(new McpSchema.ReadResourceRequest("baton://decisions"));
        assertThat(decisions.contents()).hasSize(1);
      }
    }
  }

  @Nested
  class Stdio extends Transport {
    @Override
    McpSyncClient client(
        String agent, java.util.function.Consumer<McpSchema.ProgressNotification> progress) {
      return McpClients.stdio(baton.httpBase(), agent, progress);
    }
  }

  /**
   * The same smoke run through an independent client, the MCP Inspector's CLI mode (pinned, so npm
   * serves it from its cache after the first run). Skipped when npx is absent or npm cannot fetch.
   */
  @Nested
  class InspectorCli {
    static final String INSPECTOR = "@modelcontextprotocol/inspector@0.17.2";

    private String run(String... args) throws Exception {
      List<String> command =
          new java.util.ArrayList<>(
              List.of(
                  "npx",
                  "-y",
                  INSPECTOR,
                  "--cli",
                  baton.httpBase() + "/mcp",
                  "--transport",
                  "http",
                  "--header",
                  "X-Baton-Agent: inspector-" + suffix()));
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      boolean done = p.waitFor(180, TimeUnit.SECONDS);
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!done) {
        p.destroyForcibly();
        org.junit.jupiter.api.Assumptions.abort("the inspector did not finish in 180 s: " + out);
      }
      org.junit.jupiter.api.Assumptions.assumeFalse(
          p.exitValue() != 0
              && out.matches("(?s).*(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|E404|ETIMEDOUT).*"),
          "npm could not fetch " + INSPECTOR + ": " + out);
      assertThat(p.exitValue()).as(out).isZero();
      return out;
    }

    @Test
    void shouldListAndCallToolsThroughTheInspector() throws Exception {
      org.junit.jupiter.api.Assumptions.assumeTrue(
          HooksIT.onPath("npx"), "npx is not installed: no independent MCP client to run");
      assertThat(run("--method", "tools/list")).contains("task_list").contains("lock_acquire");
      String missing =
          run(
              "--method",
              "tools/call",
              "--tool-name",
              "task_get",
              "--tool-arg",
              "id=nope-" + suffix());
      assertThat(missing).contains("\"isError\": true").contains("NOT_FOUND");
    }
  }

  static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static Duration seconds(long n) {
    return Duration.ofSeconds(n);
  }
}
