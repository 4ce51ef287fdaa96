package dev.baton.app.cli.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.cli.BatonCli;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Names;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code baton agent setup claude|opencode|codex}: writes or merges the client's configuration in a
 * repository so its edits take Baton's file locks and its model reaches Baton's MCP tools.
 * Idempotent (a second run changes nothing), never replaces an entry it did not write, writes no
 * secret into a file meant to be committed (the agent id goes only into an uncommitted local file,
 * and only with {@code --agent}), and prints every change.
 */
@Command(
    name = "setup",
    mixinStandardHelpOptions = true,
    description = {
      "Configure a coding agent in a repository: edit hooks that lock files through Baton, and"
          + " Baton's MCP server.",
      "claude: .baton/hook.sh, .claude/settings.json (hooks), .mcp.json;"
          + " with --agent also .claude/settings.local.json (env BATON_AGENT, not committed).",
      "opencode: .opencode/plugin/baton.js, opencode.json (mcp).",
      "codex: .baton/hook.sh, .codex/config.toml (PreToolUse hook, mcp_servers.baton)."
    })
final class AgentSetupCommand implements Callable<Integer> {
  static final String HOOK_SCRIPT = ".baton/hook.sh";
  static final String EDIT_MATCHER = "Edit|MultiEdit|Write|NotebookEdit";

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CLIENT", description = "claude, opencode or codex.")
  String clientName;

  @Option(
      names = "--dir",
      paramLabel = "REPO",
      defaultValue = ".",
      description = "Repository to configure (default: the current directory).")
  Path dir;

  @Option(
      names = "--agent",
      paramLabel = "NAME",
      description =
          "Agent id to use in this checkout; written only to an uncommitted local file"
              + " (claude). Otherwise set BATON_AGENT in the agent's environment.")
  String agent;

  @Option(
      names = "--server",
      paramLabel = "URL",
      defaultValue = "${env:BATON_SERVER:-http://localhost:7070}",
      description = "Baton HTTP API (env BATON_SERVER; default: ${DEFAULT-VALUE}).")
  String server;

  @Option(
      names = "--auth",
      negatable = true,
      description =
          "Whether the node needs tokens, for clients that must be told to send one (codex:"
              + " bearer_token_env_var = \"BATON_TOKEN\"). Default: ask the server (GET"
              + " /v1/whoami), else on when BATON_TOKEN is set.")
  Boolean auth;

  /** The variable the agent's token is in, for every client. */
  static final String TOKEN_VARIABLE = "BATON_TOKEN";

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    String url = checkedServer();
    if (agent != null) {
      try {
        Names.checkId("--agent", agent);
      } catch (RuntimeException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    Path repo = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(repo)) {
      throw new ParameterException(spec.commandLine(), "--dir " + repo + " is not a directory");
    }
    ConfigFiles files = new ConfigFiles(repo);
    switch (clientName) {
      case "claude" -> claude(files, url);
      case "opencode" -> opencode(files, url);
      case "codex" -> codex(files, url);
      default ->
          throw new ParameterException(
              spec.commandLine(),
              "CLIENT must be claude, opencode or codex, got '"
                  + Names.printable(clientName)
                  + "'");
    }
    out.println("baton agent setup " + clientName + " in " + repo + ":");
    for (String change : files.changes()) {
      out.println("  " + change);
    }
    out.println(
        agent == null
            ? "Set BATON_AGENT=<your agent id> in the agent's environment (each agent its own)."
            : "This checkout acts as " + agent + " (from a local file that is not committed).");
    out.flush();
    return BatonCli.OK;
  }

  private String checkedServer() {
    String value = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    try {
      URI uri = URI.create(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return value;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new ParameterException(
        spec.commandLine(), "--server must be an http:// or https:// URL, got '" + server + "'");
  }

  private void claude(ConfigFiles files, String url) throws IOException {
    // Every file is read (and refused if unreadable) before anything is written.
    ObjectNode settings = files.readObject(".claude/settings.json");
    ObjectNode mcp = files.readObject(".mcp.json");
    ObjectNode local = agent == null ? null : files.readObject(".claude/settings.local.json");
    files.ensureFile(HOOK_SCRIPT, ConfigFiles.template("hook.sh", url), true);
    String command = "bash \"$CLAUDE_PROJECT_DIR/" + HOOK_SCRIPT + "\" claude";
    ObjectNode hooks = objectField(settings, "hooks", ".claude/settings.json");
    boolean added = addHook(hooks, "PreToolUse", EDIT_MATCHER, command, 65);
    added |= addHook(hooks, "SessionStart", null, command, 30);
    added |= addHook(hooks, "SessionEnd", null, command, 30);
    if (added) {
      files.writeObject(".claude/settings.json", settings);
      files.note(
          "updated .claude/settings.json: PreToolUse hook on "
              + EDIT_MATCHER
              + ", SessionStart, SessionEnd");
    } else {
      files.note("unchanged .claude/settings.json (Baton's hooks are there)");
    }
    ObjectNode servers = objectField(mcp, "mcpServers", ".mcp.json");
    ObjectNode baton = Json.mapper().createObjectNode();
    baton.put("type", "http");
    baton.put("url", url + "/mcp");
    baton
        .putObject("headers")
        .put("X-Baton-Agent", "${BATON_AGENT:-}")
        .put("Authorization", "Bearer ${BATON_TOKEN:-}");
    mergeEntry(files, ".mcp.json", mcp, servers, "mcpServers.baton", baton);
    if (local != null) {
      ObjectNode env = objectField(local, "env", ".claude/settings.local.json");
      JsonNode existing = env.get("BATON_AGENT");
      if (existing != null && !agent.equals(existing.asText())) {
        files.note(
            "kept .claude/settings.local.json env.BATON_AGENT="
                + existing.asText()
                + " (not replaced)");
      } else if (existing == null) {
        env.put("BATON_AGENT", agent);
        files.writeObject(".claude/settings.local.json", local);
        files.note("updated .claude/settings.local.json: env.BATON_AGENT (keep it uncommitted)");
      } else {
        files.note("unchanged .claude/settings.local.json");
      }
    }
  }

  private void opencode(ConfigFiles files, String url) throws IOException {
    ObjectNode config = files.readObject("opencode.json");
    files.ensureFile(
        ".opencode/plugin/baton.js", ConfigFiles.template("baton-opencode.js", url), false);
    if (!config.has("$schema")) {
      config.put("$schema", "https://opencode.ai/config.json");
    }
    ObjectNode mcp = objectField(config, "mcp", "opencode.json");
    ObjectNode baton = Json.mapper().createObjectNode();
    baton.put("type", "remote");
    baton.put("url", url + "/mcp");
    baton.put("enabled", true);
    baton
        .putObject("headers")
        .put("X-Baton-Agent", "{env:BATON_AGENT}")
        .put("Authorization", "Bearer {env:BATON_TOKEN}");
    mergeEntry(files, "opencode.json", config, mcp, "mcp.baton", baton);
  }

  private void codex(ConfigFiles files, String url) throws IOException {
    files.ensureFile(HOOK_SCRIPT, ConfigFiles.template("hook.sh", url), true);
    String relative = ".codex/config.toml";
    String existing = files.readText(relative);
    String text = existing == null ? "" : existing;
    boolean tokens = authOn(url);
    String bearer = "bearer_token_env_var = \"" + TOKEN_VARIABLE + "\"\n";
    String table = "[mcp_servers.baton]\n";
    int begin = text.indexOf("# baton:begin");
    if (begin >= 0) {
      int end = text.indexOf("# baton:end", begin);
      String block = end < 0 ? text.substring(begin) : text.substring(begin, end);
      int at = block.indexOf(table);
      if (tokens && at >= 0 && !block.contains("bearer_token_env_var")) {
        // Written before auth was on: Codex must now send the token.
        int insert = begin + at + table.length();
        files.write(relative, text.substring(0, insert) + bearer + text.substring(insert), false);
        files.note(
            "updated "
                + relative
                + ": mcp_servers.baton sends $"
                + TOKEN_VARIABLE
                + " as its bearer token");
      } else {
        files.note("unchanged " + relative + " (Baton's block is there)");
      }
      return;
    }
    StringBuilder block = new StringBuilder();
    block.append("\n# baton:begin (written by baton agent setup codex)\n");
    block.append("[[hooks.PreToolUse]]\n");
    block.append("matcher = \"apply_patch|Edit|Write\"\n");
    block.append("[[hooks.PreToolUse.hooks]]\n");
    block.append("type = \"command\"\n");
    block.append(
        "command = \"bash \\\"$(git rev-parse --show-toplevel)/" + HOOK_SCRIPT + "\\\" codex\"\n");
    block.append("timeout = 65\n");
    if (text.contains("[mcp_servers.baton]")) {
      files.note("kept the existing [mcp_servers.baton] of " + relative + " (not replaced)");
    } else {
      block.append("\n").append(table);
      if (tokens) {
        // The name of the variable, never the token: Codex reads it when it connects.
        block.append(bearer);
      }
      block.append("url = \"").append(url).append("/mcp\"\n");
      block.append("env_http_headers = { \"X-Baton-Agent\" = \"BATON_AGENT\" }\n");
    }
    block.append("# baton:end\n");
    files.write(relative, text + block, false);
    files.note(
        (existing == null ? "created " : "updated ")
            + relative
            + ": PreToolUse hook (fails closed), mcp_servers.baton"
            + (tokens ? " (bearer token from $" + TOKEN_VARIABLE + ")" : ""));
    if (tokens && text.contains(table)) {
      files.note(
          "add bearer_token_env_var = \""
              + TOKEN_VARIABLE
              + "\" to your own [mcp_servers.baton]: the node needs tokens");
    }
  }

  /**
   * Whether the node needs tokens: {@code --auth}/{@code --no-auth}; else the server's answer to
   * {@code GET /v1/whoami} without a token (401: yes; {@code "auth": false}: no); else, when it
   * cannot be asked, whether {@code BATON_TOKEN} is set here. A Codex entry that names an unset
   * variable would not connect, so it is named only when tokens are needed.
   */
  private boolean authOn(String url) {
    if (auth != null) {
      return auth;
    }
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/v1/whoami"))
                  .timeout(Duration.ofSeconds(3))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 401) {
        return true;
      }
      if (answer.statusCode() == 200) {
        return Json.mapper().readTree(answer.body()).path("auth").asBoolean(false);
      }
    } catch (IOException | RuntimeException e) {
      // Not reachable now: decide from the environment.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String token = System.getenv(TOKEN_VARIABLE);
    return token != null && !token.isBlank();
  }

  /** Appends Baton's hook to {@code event} unless a hook running the script is already there. */
  private static boolean addHook(
      ObjectNode hooks, String event, String matcher, String command, int timeoutSeconds) {
    JsonNode list = hooks.get(event);
    ArrayNode entries;
    if (list == null || list.isNull()) {
      entries = hooks.putArray(event);
    } else if (list.isArray()) {
      entries = (ArrayNode) list;
    } else {
      throw new IllegalStateException("hooks." + event + " is not an array; left as it is");
    }
    for (JsonNode entry : entries) {
      for (JsonNode hook : entry.path("hooks")) {
        if (hook.path("command").asText("").contains(HOOK_SCRIPT)) {
          return false;
        }
      }
    }
    ObjectNode entry = entries.addObject();
    if (matcher != null) {
      entry.put("matcher", matcher);
    }
    entry
        .putArray("hooks")
        .addObject()
        .put("type", "command")
        .put("command", command)
        .put("timeout", timeoutSeconds);
    return true;
  }

  /** Adds {@code entry} under {@code parent} as "baton", unless another one is there. */
  private static void mergeEntry(
      ConfigFiles files,
      String file,
      ObjectNode root,
      ObjectNode parent,
      String where,
      ObjectNode entry)
      throws IOException {
    JsonNode existing = parent.get("baton");
    if (existing == null) {
      parent.set("baton", entry);
      files.writeObject(file, root);
      files.note("updated " + file + ": " + where);
    } else if (existing.equals(entry)) {
      files.note("unchanged " + file + " (" + where + " is there)");
    } else {
      files.note("kept the existing " + where + " of " + file + " (not replaced)");
    }
  }

  private static ObjectNode objectField(ObjectNode node, String field, String file) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return node.putObject(field);
    }
    if (!v.isObject()) {
      throw new IllegalStateException(file + ": '" + field + "' is not an object; left as it is");
    }
    return (ObjectNode) v;
  }
}
