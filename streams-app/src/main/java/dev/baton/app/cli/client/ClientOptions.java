package dev.baton.app.cli.client;

import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Names;
import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options every client verb takes ({@code --server}, {@code --agent}, {@code --token}, {@code
 * --workspace}, {@code --json}), mixed into each verb so they can be given after it: {@code baton
 * task get t-1 --json}. Bad values are usage errors (exit 2).
 */
public final class ClientOptions {
  public static final String DEFAULT_SERVER = "http://localhost:7070";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--server",
      paramLabel = "URL",
      defaultValue = "${env:BATON_SERVER:-" + DEFAULT_SERVER + "}",
      description = "Baton HTTP API to talk to (env BATON_SERVER; default: ${DEFAULT-VALUE}).")
  String server;

  @Option(
      names = "--agent",
      paramLabel = "ID",
      defaultValue = "${env:BATON_AGENT}",
      description = "Agent the commands act for (env BATON_AGENT; default: cli-<user name>).")
  String agent;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      defaultValue = "${env:BATON_TOKEN}",
      description =
          "Bearer token of the agent (env BATON_TOKEN, which keeps it out of the process list);"
              + " the token names the agent, so --agent is then only checked against it.")
  String token;

  @Option(
      names = "--workspace",
      paramLabel = "WS",
      defaultValue = "${env:BATON_WORKSPACE:-default}",
      description = "Workspace (env BATON_WORKSPACE; default: ${DEFAULT-VALUE}).")
  String workspace;

  @Option(
      names = "--json",
      description =
          "Print JSON: the result (task, page, lock, decision) on success, the error"
              + " body on failure.")
  boolean json;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description =
          "Send the command with this key (header Idempotency-Key): repeated with the same key"
              + " after a timeout, it is applied once and answered with the first outcome.")
  String idempotencyKey;

  /** The checked {@code --idempotency-key}, or null. */
  public String idempotencyKey() {
    return idempotencyKey == null ? null : checkedId("--idempotency-key", idempotencyKey);
  }

  /** The server's base URI, without a trailing slash. */
  public URI server() {
    String value = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    try {
      URI uri = new URI(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw usage("--server must be an http:// or https:// URL, got '" + server + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw usage("--server '" + server + "' is not a URL: " + e.getReason());
    }
  }

  public String agent() {
    return checkedId("--agent", agent == null ? defaultAgent() : agent);
  }

  /** The bearer token, or null when none is given. */
  public String token() {
    return token == null || token.isBlank() ? null : token.strip();
  }

  /**
   * The agent to name in {@code X-Baton-Agent}: the given one, else (without a token) the default
   * one; null with a token and no agent given, since the token names the agent.
   */
  public String agentHeader() {
    if (agent == null && token() != null) {
      return null;
    }
    return agent();
  }

  /**
   * The agent the commands act for, for verbs that must know it (to find themselves among a lock's
   * holders): {@code --agent} (or {@code BATON_AGENT}) when given; with only a token, the token's
   * agent, as the server names it ({@code GET /v1/whoami}); else the default one.
   *
   * @throws ClientFailure when the server cannot be asked or refuses the token
   */
  public String actingAgent(BatonHttpClient http) {
    if (agent != null || token() == null) {
      return agent();
    }
    ApiResponse whoami = http.get("/v1/whoami");
    String named = whoami.ok() ? whoami.body().path("agent").asText("") : "";
    if (named.isEmpty()) {
      throw new ClientFailure(
          whoami.ok()
              ? "the server names no agent for the token (GET /v1/whoami); give --agent"
              : "cannot learn the token's agent: "
                  + whoami.error()
                  + ": "
                  + whoami.message()
                  + " (HTTP "
                  + whoami.status()
                  + ")",
          null);
    }
    return named;
  }

  /** An HTTP client for these options. */
  public BatonHttpClient http(String idempotencyKey) {
    return new BatonHttpClient(server(), agentHeader(), token(), idempotencyKey);
  }

  public String workspace() {
    return checkedId("--workspace", workspace);
  }

  public boolean json() {
    return json;
  }

  /** Checks a user-given id; a bad one is a usage error naming the option. */
  public String checkedId(String option, String value) {
    try {
      return Names.checkId(option, value);
    } catch (InvalidCommandException e) {
      throw usage(e.getMessage());
    }
  }

  public ParameterException usage(String message) {
    return new ParameterException(mixee.commandLine(), message);
  }

  /** {@code cli-<user name>}, with characters an id cannot hold replaced by {@code _}. */
  static String defaultAgent() {
    String user = System.getProperty("user.name", "user");
    StringBuilder id = new StringBuilder("cli-");
    for (int i = 0; i < user.length() && id.length() < Names.MAX_ID_LENGTH; i++) {
      char c = user.charAt(i);
      boolean ok =
          Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' || c == '@';
      id.append(ok ? c : '_');
    }
    return id.toString();
  }
}
