package dev.baton.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.config.AppConfig;
import dev.baton.app.http.TestHttp;
import dev.baton.app.testing.TestBaton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's end after the node restarted: the node remembers nothing of the hooks it answered
 * before, and still releases the agent's locks, found in the lock store.
 */
@Timeout(300)
class HookRestartIT {
  @Test
  void shouldReleaseAtSessionEndWhatTheAgentLockedBeforeARestart(
      @TempDir Path dataDir, @TempDir Path repoDir) throws Exception {
    Path repo = repoDir.toRealPath();
    Files.createDirectories(repo.resolve(".git"));
    String file = repo.resolve("src/Restart-" + HooksIT.suffix() + ".java").toString();
    String resource = "file/" + repo.relativize(Path.of(file));
    String lockPath =
        "/v1/locks/default?resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8);
    AppConfig config;
    try (TestBaton first = TestBaton.start(dataDir, Map.of(AppConfig.HOOKS_WAIT_MS, 300))) {
      config = first.config();
      TestHttp.Reply granted =
          claude(first, "alice", HooksIT.preToolUse(repo, "s1", "Edit", "file_path", file));
      assertThat(granted.status()).as(granted.raw()).isEqualTo(200);
      assertThat(granted.json().isEmpty()).as(granted.raw()).isTrue();
    }

    try (TestBaton second = TestBaton.restart(dataDir, config)) {
      TestHttp http = new TestHttp(second.httpBase());
      HooksIT.awaitTrue(() -> http.get(lockPath).status() == 200);

      TestHttp.Reply denied =
          claude(second, "bob", HooksIT.preToolUse(repo, "s2", "Write", "file_path", file));
      assertThat(denied.json().path("hookSpecificOutput").path("permissionDecision").asText())
          .as(denied.raw())
          .isEqualTo("deny");
      assertThat(denied.json().path("hookSpecificOutput").path("permissionDecisionReason").asText())
          .contains("alice");

      assertThat(claude(second, "alice", HooksIT.sessionEnd("s1")).status()).isEqualTo(200);

      TestHttp.Reply allowed =
          claude(second, "bob", HooksIT.preToolUse(repo, "s2", "Write", "file_path", file));
      assertThat(allowed.json().isEmpty()).as(allowed.raw()).isTrue();
      assertThat(http.get(lockPath).json().path("holders").get(0).path("agent").asText())
          .isEqualTo("bob");
    }
  }

  private static TestHttp.Reply claude(
      TestBaton node, String agent, com.fasterxml.jackson.databind.JsonNode body) {
    return new TestHttp(node.httpBase())
        .post("/v1/hooks/claude", body.toString(), Map.of("X-Baton-Agent", agent));
  }
}
