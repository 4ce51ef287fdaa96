package dev.baton.app.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.CliRun;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton agent setup}: what it writes, that it merges, and that a second run is a no-op. */
class AgentSetupCommandTest {
  @TempDir Path repo;

  private CliRun setup(String... more) {
    String[] args = new String[4 + more.length];
    args[0] = "agent";
    args[1] = "setup";
    System.arraycopy(more, 0, args, 2, more.length);
    args[args.length - 2] = "--dir";
    args[args.length - 1] = repo.toString();
    return CliRun.of(args);
  }

  private JsonNode json(String relative) throws IOException {
    return Json.mapper().readTree(Files.readString(repo.resolve(relative)));
  }

  @Nested
  class Claude {
    @Test
    void shouldWriteHooksMcpAndTheScriptThenChangeNothingOnASecondRun() throws IOException {
      CliRun first = setup("claude", "--server", "http://127.0.0.1:7777");
      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(first.out()).contains("created .baton/hook.sh").contains("updated .mcp.json");
      JsonNode pre = json(".claude/settings.json").path("hooks").path("PreToolUse").get(0);
      assertThat(pre.path("matcher").asText()).isEqualTo("Edit|MultiEdit|Write|NotebookEdit");
      assertThat(pre.path("hooks").get(0).path("command").asText()).contains(".baton/hook.sh");
      assertThat(json(".claude/settings.json").path("hooks").has("SessionEnd")).isTrue();
      assertThat(json(".claude/settings.json").path("hooks").has("SessionStart")).isTrue();
      JsonNode server = json(".mcp.json").path("mcpServers").path("baton");
      assertThat(server.path("url").asText()).isEqualTo("http://127.0.0.1:7777/mcp");
      assertThat(server.path("headers").path("X-Baton-Agent").asText())
          .isEqualTo("${BATON_AGENT:-}");
      assertThat(Files.readString(repo.resolve(".baton/hook.sh")))
          .contains("http://127.0.0.1:7777")
          .doesNotContain("@SERVER@");
      assertThat(Files.isExecutable(repo.resolve(".baton/hook.sh"))).isTrue();
      assertThat(Files.exists(repo.resolve(".claude/settings.local.json"))).isFalse();

      String settings = Files.readString(repo.resolve(".claude/settings.json"));
      CliRun second = setup("claude", "--server", "http://127.0.0.1:7777");
      assertThat(second.exitCode()).isZero();
      assertThat(second.out()).doesNotContain("created").doesNotContain("updated");
      assertThat(Files.readString(repo.resolve(".claude/settings.json"))).isEqualTo(settings);
    }

    @Test
    void shouldKeepExistingEntriesAndPutTheAgentOnlyInTheLocalFile() throws IOException {
      Files.createDirectories(repo.resolve(".claude"));
      Files.writeString(
          repo.resolve(".claude/settings.json"),
          "{\"model\":\"opus\",\"hooks\":{\"PreToolUse\":[{\"matcher\":\"Bash\",\"hooks\":"
              + "[{\"type\":\"command\",\"command\":\"./lint.sh\"}]}]}}");
      Files.writeString(
          repo.resolve(".mcp.json"),
          "{\"mcpServers\":{\"baton\":{\"command\":\"my-own\"},\"other\":{\"command\":\"x\"}}}");
      CliRun run = setup("claude", "--agent", "alice");
      assertThat(run.exitCode()).as(run.err()).isZero();
      JsonNode settings = json(".claude/settings.json");
      assertThat(settings.path("model").asText()).isEqualTo("opus");
      assertThat(settings.path("hooks").path("PreToolUse")).hasSize(2);
      assertThat(settings.path("hooks").path("PreToolUse").get(0).path("matcher").asText())
          .isEqualTo("Bash");
      assertThat(json(".mcp.json").path("mcpServers").path("baton").path("command").asText())
          .isEqualTo("my-own");
      assertThat(json(".mcp.json").path("mcpServers").has("other")).isTrue();
      assertThat(run.out()).contains("kept the existing mcpServers.baton");
      assertThat(json(".claude/settings.local.json").path("env").path("BATON_AGENT").asText())
          .isEqualTo("alice");
      assertThat(Files.readString(repo.resolve(".claude/settings.json"))).doesNotContain("alice");
      assertThat(Files.readString(repo.resolve(".mcp.json"))).doesNotContain("alice");
    }

    @Test
    void shouldRefuseAFileThatIsNotJsonAndChangeNothing() throws IOException {
      Files.writeString(repo.resolve(".mcp.json"), "{not json");
      CliRun run = setup("claude");
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains(".mcp.json is not valid JSON");
      assertThat(Files.readString(repo.resolve(".mcp.json"))).isEqualTo("{not json");
      assertThat(Files.exists(repo.resolve(".baton/hook.sh"))).isFalse();
      assertThat(Files.exists(repo.resolve(".claude/settings.json"))).isFalse();
    }
  }

  @Test
  void shouldWriteOpenCodesPluginAndConfig() throws IOException {
    CliRun run = setup("opencode");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.readString(repo.resolve(".opencode/plugin/baton.js")))
        .contains("tool.execute.before");
    JsonNode mcp = json("opencode.json").path("mcp").path("baton");
    assertThat(mcp.path("type").asText()).isEqualTo("remote");
    assertThat(mcp.path("headers").path("X-Baton-Agent").asText()).isEqualTo("{env:BATON_AGENT}");
    assertThat(setup("opencode").out()).doesNotContain("updated").doesNotContain("created");
  }

  @Test
  void shouldAppendCodexsBlockOnceKeepingTheRestOfTheFile() throws IOException {
    Files.createDirectories(repo.resolve(".codex"));
    Files.writeString(repo.resolve(".codex/config.toml"), "model = \"o4\"\n");
    assertThat(setup("codex").exitCode()).isZero();
    String toml = Files.readString(repo.resolve(".codex/config.toml"));
    assertThat(toml).startsWith("model = \"o4\"\n").contains("[[hooks.PreToolUse]]");
    assertThat(toml).contains("[mcp_servers.baton]").contains(".baton/hook.sh");
    assertThat(setup("codex").out()).contains("unchanged .codex/config.toml");
    assertThat(Files.readString(repo.resolve(".codex/config.toml"))).isEqualTo(toml);
  }

  /** The lines of table {@code header} in {@code toml}: up to the next table or Baton's end. */
  private static java.util.List<String> table(String toml, String header) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    boolean in = false;
    for (String line : toml.split("\n")) {
      if (line.startsWith("[") || line.startsWith("# baton:end")) {
        in = line.equals(header);
        continue;
      }
      if (in && !line.isBlank()) {
        lines.add(line);
      }
    }
    return lines;
  }

  @Test
  void shouldNameTheTokenVariableForCodexOnlyWhenTheNodeNeedsTokens() throws IOException {
    assertThat(setup("codex", "--no-auth").exitCode()).isZero();
    String open = Files.readString(repo.resolve(".codex/config.toml"));
    assertThat(table(open, "[mcp_servers.baton]"))
        .containsExactly(
            "url = \"http://localhost:7070/mcp\"",
            "env_http_headers = { \"X-Baton-Agent\" = \"BATON_AGENT\" }");

    // Auth turned on later: a second run adds the variable's name to Baton's own entry, once.
    CliRun withAuth = setup("codex", "--auth");
    assertThat(withAuth.out()).contains("sends $BATON_TOKEN as its bearer token");
    String toml = Files.readString(repo.resolve(".codex/config.toml"));
    assertThat(table(toml, "[mcp_servers.baton]"))
        .containsExactly(
            "bearer_token_env_var = \"BATON_TOKEN\"",
            "url = \"http://localhost:7070/mcp\"",
            "env_http_headers = { \"X-Baton-Agent\" = \"BATON_AGENT\" }");
    assertThat(setup("codex", "--auth").out()).contains("unchanged .codex/config.toml");
    assertThat(Files.readString(repo.resolve(".codex/config.toml"))).isEqualTo(toml);
  }

  @Test
  void shouldWriteTheTokenVariableInANewCodexEntryWithAuth() throws IOException {
    assertThat(setup("codex", "--auth").exitCode()).isZero();

    String toml = Files.readString(repo.resolve(".codex/config.toml"));
    assertThat(table(toml, "[mcp_servers.baton]"))
        .contains("bearer_token_env_var = \"BATON_TOKEN\"");
    assertThat(toml).doesNotContain("bt1.");
  }

  @Test
  void shouldRejectAnUnknownClientAsBadUsage() {
    CliRun run = setup("cursor");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("claude, opencode or codex");
  }
}
