package dev.baton.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.config.AppConfig;
import dev.baton.app.http.TestHttp;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.protocol.Json;
import io.modelcontextprotocol.client.McpSyncClient;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edit hooks end to end from outside, as Claude Code, Codex and OpenCode would call them: plain
 * HTTP with the documented JSON, and the shipped hook script run by bash and curl.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HooksIT {
  private TestBaton baton;
  private TestHttp http;
  private Path repo;

  @BeforeAll
  void start(@TempDir Path dataDir, @TempDir Path repoDir) throws IOException {
    // A short wait keeps the denials quick; the lease is the default ten minutes.
    baton = TestBaton.start(dataDir, Map.of(AppConfig.HOOKS_WAIT_MS, 300));
    http = new TestHttp(baton.httpBase());
    repo = repoDir.toRealPath();
    Files.createDirectories(repo.resolve(".git"));
    Files.createDirectories(repo.resolve("src"));
  }

  @AfterAll
  void stop() {
    if (baton != null) {
      baton.close();
    }
  }

  private ObjectNode preToolUse(String session, String tool, String field, String path) {
    return preToolUse(repo, session, tool, field, path);
  }

  /** Claude Code's {@code PreToolUse} JSON for an edit, as it sends it. */
  static ObjectNode preToolUse(Path cwd, String session, String tool, String field, String path) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("hook_event_name", "PreToolUse");
    body.put("session_id", session);
    body.put("transcript_path", "/tmp/transcript.jsonl");
    body.put("cwd", cwd.toString());
    body.put("permission_mode", "default");
    body.put("tool_name", tool);
    body.putObject("tool_input").put(field, path).put("content", "x");
    return body;
  }

  static ObjectNode sessionEnd(String session) {
    ObjectNode end = Json.mapper().createObjectNode();
    end.put("hook_event_name", "SessionEnd").put("session_id", session).put("reason", "exit");
    return end;
  }

  /** Waits for a condition (not for a time): up to 60 s, checking every 100 ms. */
  static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within 60 s").isLessThan(deadline);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  private TestHttp.Reply claude(String agent, JsonNode body) {
    return http.post(
        "/v1/hooks/claude",
        body.toString(),
        agent == null ? Map.of() : Map.of("X-Baton-Agent", agent));
  }

  private static String decision(TestHttp.Reply reply) {
    return reply.json().path("hookSpecificOutput").path("permissionDecision").asText("");
  }

  private static String reason(TestHttp.Reply reply) {
    return reply.json().path("hookSpecificOutput").path("permissionDecisionReason").asText("");
  }

  private JsonNode lock(String resource) {
    TestHttp.Reply reply =
        http.get(
            "/v1/locks/default?resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8));
    return reply.status() == 200 ? reply.json() : null;
  }

  static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @Nested
  class TwoClaudeSessions {
    @Test
    void shouldDenyTheSecondNamingTheFirstUntilItsSessionEnds() {
      String alice = "alice-" + suffix();
      String bob = "bob-" + suffix();
      String file = repo.resolve("src/App-" + suffix() + ".java").toString();
      String task = "login-" + suffix();
      http.post(
          "/v1/tasks/default",
          "{\"id\":\"" + task + "\",\"title\":\"Fix login\"}",
          Map.of("X-Baton-Agent", alice));
      http.post("/v1/tasks/default/" + task + "/claim", "{}", Map.of("X-Baton-Agent", alice));

      TestHttp.Reply first = claude(alice, preToolUse("s-alice", "Edit", "file_path", file));
      assertThat(first.status()).isEqualTo(200);
      assertThat(decision(first)).isEmpty();

      TestHttp.Reply second = claude(bob, preToolUse("s-bob", "Write", "file_path", file));
      assertThat(second.status()).isEqualTo(200);
      assertThat(decision(second)).isEqualTo("deny");
      assertThat(reason(second)).contains(alice).contains(task).contains("Fix login");
      assertThat(second.json().path("hookSpecificOutput").path("hookEventName").asText())
          .isEqualTo("PreToolUse");

      assertThat(claude(alice, sessionEnd("s-alice")).status()).isEqualTo(200);

      TestHttp.Reply retried = claude(bob, preToolUse("s-bob", "Write", "file_path", file));
      assertThat(decision(retried)).as(retried.raw()).isEmpty();
      String resource = "file/" + repo.relativize(Path.of(file));
      assertThat(lock(resource).path("holders").get(0).path("agent").asText()).isEqualTo(bob);
    }

    @Test
    void shouldReleaseAtSessionEndWhatTheAgentTookThroughMcpAndLeaveItsQueues() {
      String alice = "alice-" + suffix();
      String bob = "bob-" + suffix();
      String carol = "carol-" + suffix();
      String name = "src/Mcp-" + suffix() + ".java";
      String busy = "file/src/Busy-" + suffix() + ".java";
      try (McpSyncClient aliceMcp = McpClients.http(baton.httpBase(), alice, p -> {});
          McpSyncClient carolMcp = McpClients.http(baton.httpBase(), carol, p -> {})) {
        McpServerIT.ok(aliceMcp, "lock_acquire", Map.of("resource", "file/" + name));
        McpServerIT.ok(carolMcp, "lock_acquire", Map.of("resource", busy));
        JsonNode queued =
            McpServerIT.ok(
                aliceMcp,
                "lock_acquire",
                Map.of("resource", busy, "waitMs", 40_000, "queue", true));
        assertThat(queued.path("status").asText()).isEqualTo("QUEUED");

        TestHttp.Reply denied =
            claude(bob, preToolUse("s-bob2", "Edit", "file_path", repo.resolve(name).toString()));
        assertThat(decision(denied)).isEqualTo("deny");
        assertThat(reason(denied)).contains(alice);

        assertThat(claude(alice, sessionEnd("s-alice-other")).status()).isEqualTo(200);

        TestHttp.Reply allowed =
            claude(bob, preToolUse("s-bob2", "Edit", "file_path", repo.resolve(name).toString()));
        assertThat(decision(allowed)).as(allowed.raw()).isEmpty();
        assertThat(lock(busy).path("queue")).isEmpty();
        assertThat(lock(busy).path("holders").get(0).path("agent").asText()).isEqualTo(carol);
      }
    }

    @Test
    void shouldTellANewSessionItsLocksTasksAndRecentDecisions() {
      String agent = "erin-" + suffix();
      String task = "ctx-" + suffix();
      String name = "src/Ctx-" + suffix() + ".java";
      http.post(
          "/v1/tasks/default",
          "{\"id\":\"" + task + "\",\"title\":\"Write the context\"}",
          Map.of("X-Baton-Agent", agent));
      http.post("/v1/tasks/default/" + task + "/claim", "{}", Map.of("X-Baton-Agent", agent));
      claude(agent, preToolUse("s-erin", "Write", "file_path", repo.resolve(name).toString()));
      long token = lock("file/" + name).path("holders").get(0).path("token").asLong();
      String title = "Context " + suffix();
      try (McpSyncClient mcp = McpClients.http(baton.httpBase(), agent, p -> {})) {
        long number =
            McpServerIT.ok(mcp, "decision_record", Map.of("title", title, "decision", "Say it"))
                .path("number")
                .asLong();
        // The decisions come from the projection, which trails the log: wait until it has this one.
        awaitTrue(
            () ->
                McpServerIT.ok(mcp, "decision_list", Map.of("limit", 5))
                    .path("decisions")
                    .findValuesAsText("title")
                    .contains(title));

        ObjectNode start = Json.mapper().createObjectNode();
        start.put("hook_event_name", "SessionStart").put("session_id", "s-erin2");
        start.put("source", "startup").put("cwd", repo.toString());
        TestHttp.Reply reply = claude(agent, start);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode specific = reply.json().path("hookSpecificOutput");
        assertThat(specific.path("hookEventName").asText()).isEqualTo("SessionStart");
        assertThat(specific.path("additionalContext").asText())
            .contains("agent " + agent)
            .contains("file/" + name + " token " + token + " lease until ")
            .contains(task + " \"Write the context\" CLAIMED v2")
            .contains("#" + number + " " + title);
      }
    }

    @Test
    void shouldRenewTheLeaseOnEveryLaterEditKeepingTheToken() {
      String agent = "carol-" + suffix();
      String name = "src/Renew-" + suffix() + ".java";
      claude(agent, preToolUse("s-c", "Edit", "file_path", repo.resolve(name).toString()));
      JsonNode before = lock("file/" + name).path("holders").get(0);
      TestHttp.Reply again =
          claude(agent, preToolUse("s-c", "MultiEdit", "file_path", repo.resolve(name).toString()));
      assertThat(decision(again)).isEmpty();
      JsonNode after = lock("file/" + name).path("holders").get(0);
      assertThat(after.path("token").asLong()).isEqualTo(before.path("token").asLong());
      assertThat(after.path("leaseDeadline").asText())
          .isGreaterThanOrEqualTo(before.path("leaseDeadline").asText());
    }

    @Test
    void shouldLockNotebooksByTheirPathAndNameTheAgentAfterTheSessionWithoutHeader() {
      String name = "nb-" + suffix() + ".ipynb";
      TestHttp.Reply reply =
          claude(null, preToolUse("sess-1234567890abcdef", "NotebookEdit", "notebook_path", name));
      assertThat(decision(reply)).as(reply.raw()).isEmpty();
      assertThat(lock("file/" + name).path("holders").get(0).path("agent").asText())
          .isEqualTo("claude-sess-1234567");
    }

    @Test
    void shouldGiveNoOpinionOnToolsThatDoNotEdit() {
      TestHttp.Reply reply = claude("dave", preToolUse("s-d", "Read", "file_path", "/etc/passwd"));
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.json().isEmpty()).isTrue();
    }
  }

  @Nested
  class HostileBodies {
    private void assertInvalid(TestHttp.Reply reply, String mentions) {
      assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
      assertThat(reply.json().path("error").asText()).isEqualTo("INVALID");
      assertThat(reply.json().path("message").asText()).contains(mentions);
    }

    private void assertDenied(TestHttp.Reply reply, String mentions) {
      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      assertThat(decision(reply)).isEqualTo("deny");
      assertThat(reason(reply)).contains(mentions);
    }

    @Test
    void shouldAnswerMalformedBodiesWith400NamingTheField() {
      assertInvalid(http.post("/v1/hooks/claude", "not json", Map.of()), "not valid JSON");
      assertInvalid(http.post("/v1/hooks/claude", "[1,2]", Map.of()), "JSON object");
      assertInvalid(http.post("/v1/hooks/claude", "{}", Map.of()), "hook_event_name");
      assertInvalid(
          http.post("/v1/hooks/claude", "{\"hook_event_name\":7}", Map.of()), "hook_event_name");
      assertInvalid(
          http.post(
              "/v1/hooks/claude",
              "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Edit\",\"session_id\":\"s\"}",
              Map.of()),
          "tool_input");
      assertInvalid(
          http.post(
              "/v1/hooks/claude",
              "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Edit\",\"session_id\":\"s\","
                  + "\"tool_input\":{\"file_path\":42}}",
              Map.of()),
          "tool_input.file_path");
      assertInvalid(
          http.post(
              "/v1/hooks/claude",
              "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Edit\","
                  + "\"tool_input\":{\"file_path\":\"a\"}}",
              Map.of()),
          "X-Baton-Agent");
      assertInvalid(
          claude("bad agent!", preToolUse("s", "Edit", "file_path", "src/A.java")),
          "X-Baton-Agent");
    }

    @Test
    void shouldDenyPathsOutsideTheRootAndLockNothingThere() {
      assertDenied(
          claude("eve", preToolUse("s-e", "Edit", "file_path", "../../etc/passwd")),
          "outside the workspace root");
      assertDenied(
          claude("eve", preToolUse("s-e", "Write", "file_path", "/etc/passwd")),
          "outside the workspace root");
      assertDenied(
          claude("eve", preToolUse("s-e", "Write", "file_path", "src/../../escape.txt")),
          "outside the workspace root");
      assertDenied(
          claude("eve", preToolUse("s-e", "Write", "file_path", repo.toString())),
          "outside the workspace root");
      assertThat(lock("file/etc/passwd")).isNull();
      assertThat(lock("file/escape.txt")).isNull();
    }

    @Test
    void shouldRefuseHugePathsWithoutAServerError() {
      String longName = "a".repeat(200_000);
      TestHttp.Reply tooLongForALock =
          claude("eve", preToolUse("s-e", "Write", "file_path", "src/" + longName));
      assertDenied(tooLongForALock, "cannot be locked");
      TestHttp.Reply megabyte =
          claude("eve", preToolUse("s-e", "Write", "file_path", "b".repeat(1024 * 1024)));
      assertThat(megabyte.status()).as(megabyte.raw()).isEqualTo(413);
      assertThat(megabyte.json().path("error").asText()).isEqualTo("TOO_LARGE");
      TestHttp.Reply nul = claude("eve", preToolUse("s-e", "Write", "file_path", "src/a\u0000b"));
      assertThat(nul.status()).isIn(200, 400);
      if (nul.status() == 200) {
        assertThat(decision(nul)).isEqualTo("deny");
      }
      assertThat(http.get("/v1/health").status()).isEqualTo(200);
    }

    @Test
    void shouldRejectARelativeRootHeader() {
      TestHttp.Reply reply =
          http.post(
              "/v1/hooks/claude",
              preToolUse("s", "Edit", "file_path", "src/A.java").toString(),
              Map.of("X-Baton-Agent", "eve", "X-Baton-Root", "relative/dir"));
      assertInvalid(reply, "X-Baton-Root");
    }
  }

  @Nested
  class CodexAndOpenCode {
    @Test
    void shouldLockEveryFileOfAnApplyPatchForCodexAndDenyWith409() {
      String a = "src/P-" + suffix() + ".java";
      String b = "src/Q-" + suffix() + ".java";
      ObjectNode body = Json.mapper().createObjectNode();
      body.put("hook_event_name", "PreToolUse").put("session_id", "cx").put("cwd", repo.toString());
      body.put("tool_name", "apply_patch");
      body.putObject("tool_input")
          .put(
              "command",
              "*** Begin Patch\n*** Update File: "
                  + a
                  + "\n@@\n-x\n+y\n*** Add File: "
                  + b
                  + "\n+z\n*** End Patch\n");
      TestHttp.Reply granted =
          http.post("/v1/hooks/codex", body.toString(), Map.of("X-Baton-Agent", "codex-1"));
      assertThat(granted.status()).as(granted.raw()).isEqualTo(200);
      assertThat(lock("file/" + a).path("holders").get(0).path("agent").asText())
          .isEqualTo("codex-1");
      assertThat(lock("file/" + b).path("holders").get(0).path("agent").asText())
          .isEqualTo("codex-1");
      TestHttp.Reply denied =
          http.post("/v1/hooks/codex", body.toString(), Map.of("X-Baton-Agent", "codex-2"));
      assertThat(denied.status()).isEqualTo(409);
      assertThat(denied.json().path("message").asText()).contains("codex-1");
    }

    @Test
    void shouldAllowDenyAndReleaseForTheOpenCodePlugin() {
      String file = "src/O-" + suffix() + ".ts";
      String before =
          "{\"event\":\"tool.execute.before\",\"sessionID\":\"oc-1\",\"tool\":\"edit\","
              + "\"paths\":[\""
              + file
              + "\"],\"directory\":\""
              + repo
              + "\",\"worktree\":\""
              + repo
              + "\"}";
      TestHttp.Reply allowed =
          http.post("/v1/hooks/opencode", before, Map.of("X-Baton-Agent", "oc-a"));
      assertThat(allowed.json().path("decision").asText()).as(allowed.raw()).isEqualTo("allow");
      TestHttp.Reply denied =
          http.post(
              "/v1/hooks/opencode",
              before.replace("oc-1", "oc-2"),
              Map.of("X-Baton-Agent", "oc-b"));
      assertThat(denied.json().path("decision").asText()).isEqualTo("deny");
      assertThat(denied.json().path("reason").asText()).contains("oc-a");
      TestHttp.Reply released =
          http.post(
              "/v1/hooks/opencode",
              "{\"event\":\"session.deleted\",\"sessionID\":\"oc-1\"}",
              Map.of("X-Baton-Agent", "oc-a"));
      assertThat(released.json().path("released").asInt()).isEqualTo(1);
      assertThat(lock("file/" + file).path("holders")).isEmpty();
    }
  }

  @Nested
  class HookScript {
    private Path script;

    private void writeScript() throws IOException {
      script = repo.resolve(".baton/hook.sh");
      Files.createDirectories(script.getParent());
      try (var in = HooksIT.class.getResourceAsStream("/agent/hook.sh")) {
        Files.writeString(
            script,
            new String(in.readAllBytes(), StandardCharsets.UTF_8)
                .replace("@SERVER@", baton.httpBase()));
      }
    }

    private Process run(String client, String server, String agent, String stdin)
        throws IOException, InterruptedException {
      ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), client);
      pb.environment().put("BATON_AGENT", agent);
      if (server != null) {
        pb.environment().put("BATON_SERVER", server);
      }
      Process p = pb.start();
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
      return p;
    }

    @Test
    void shouldPassTheDecisionThroughAndFailClosed() throws Exception {
      assumeTrue(onPath("curl") && onPath("bash"), "needs bash and curl");
      writeScript();
      String file = "src/S-" + suffix() + ".java";
      String body = preToolUse("scr", "Edit", "file_path", file).toString();
      Process allowed = run("claude", null, "script-a", body);
      assertThat(allowed.exitValue()).isZero();
      assertThat(new String(allowed.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("{}");

      Process denied = run("codex", null, "script-b", body);
      assertThat(denied.exitValue()).isEqualTo(2);
      assertThat(new String(denied.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
          .contains("script-a");

      Process unreachable = run("claude", "http://127.0.0.1:9", "script-a", body);
      assertThat(unreachable.exitValue()).isEqualTo(2);
      assertThat(new String(unreachable.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
          .contains("cannot reach Baton");
    }
  }

  @Nested
  class CommitGuard {
    private int git(Path dir, String... args) throws Exception {
      java.util.List<String> command =
          new java.util.ArrayList<>(java.util.List.of("git", "-C", dir.toString()));
      command.addAll(java.util.List.of(args));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return p.exitValue();
    }

    @Test
    void shouldRefuseACommitTouchingAFileAnotherAgentHolds(@TempDir Path dir) throws Exception {
      assumeTrue(onPath("git"), "needs git");
      Path clone = dir.toRealPath();
      assertThat(git(clone, "init", "-q")).isZero();
      String name = "src/G-" + suffix() + ".java";
      Files.createDirectories(clone.resolve("src"));
      Files.writeString(clone.resolve(name), "class G {}\n");
      Files.writeString(clone.resolve("free.txt"), "free\n");
      assertThat(git(clone, "add", name, "free.txt")).isZero();

      TestHttp.Reply locked =
          http.post(
              "/v1/hooks/claude",
              preToolUse("guard", "Write", "file_path", clone.resolve(name).toString()).toString(),
              Map.of("X-Baton-Agent", "holder-g", "X-Baton-Root", clone.toString()));
      assertThat(decision(locked)).as(locked.raw()).isEmpty();

      dev.baton.app.cli.CliRun refused =
          dev.baton.app.cli.CliRun.of(
              "agent",
              "guard",
              "--dir",
              clone.toString(),
              "--server",
              baton.httpBase(),
              "--agent",
              "committer");
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err()).contains(name).contains("holder-g").doesNotContain("free.txt");

      dev.baton.app.cli.CliRun own =
          dev.baton.app.cli.CliRun.of(
              "agent",
              "guard",
              "--dir",
              clone.toString(),
              "--server",
              baton.httpBase(),
              "--agent",
              "holder-g");
      assertThat(own.exitCode()).as(own.err()).isZero();

      dev.baton.app.cli.CliRun offline =
          dev.baton.app.cli.CliRun.of(
              "agent",
              "guard",
              "--dir",
              clone.toString(),
              "--server",
              "http://127.0.0.1:9",
              "--agent",
              "committer");
      assertThat(offline.exitCode()).isEqualTo(1);
      assertThat(offline.err()).contains("cannot reach Baton");
    }
  }

  static boolean onPath(String command) {
    try {
      return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
