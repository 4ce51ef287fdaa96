package dev.baton.app.agent.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.agent.AgentBackend;
import dev.baton.app.agent.AgentSettings;
import dev.baton.app.agent.AgentStatus;
import dev.baton.app.http.ApiError;
import dev.baton.app.state.AgentQueries;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Names;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The hook endpoints: {@code POST /v1/hooks/claude} (Claude Code's hook JSON in, its hook output
 * out), {@code POST /v1/hooks/codex} (the same JSON; 200 to allow, 409 with the error body to deny,
 * for a command hook that exits 2) and {@code POST /v1/hooks/opencode} (the shipped plugin's JSON).
 * Each edit takes {@code file/<path>} through {@link FileLockGate}.
 *
 * <p>Headers: {@code X-Baton-Agent} (else the agent is {@code <client>-<session id>}), {@code
 * X-Baton-Workspace} (else {@code default}), {@code X-Baton-Root} (see {@link WorkspaceRoots}). A
 * malformed body is 400 {@code INVALID} naming the field; nothing is locked.
 */
public final class HookResource {
  static final String AGENT_HEADER = "X-Baton-Agent";
  static final String WORKSPACE_HEADER = "X-Baton-Workspace";
  static final String ROOT_HEADER = "X-Baton-Root";

  private final AgentBackend backend;
  private final FileLockGate gate;
  private final WorkspaceRoots roots;
  private final AgentSettings settings;
  private final boolean answerAllow;

  public HookResource(AgentBackend backend, boolean answerAllow, Executor answers) {
    this.backend = backend;
    this.settings = backend.settings();
    this.gate = new FileLockGate(backend.client(), backend.tasks(), settings, answers);
    this.roots = new WorkspaceRoots(settings.hookRoot());
    this.answerAllow = answerAllow;
  }

  /** {@code POST /v1/hooks/claude}. */
  public void claude(Context ctx) {
    guarded(() -> claudeHook(ctx));
  }

  /** {@code POST /v1/hooks/codex}: 200 {@code {"decision":"allow"}} or 409 with the reason. */
  public void codex(Context ctx) {
    guarded(() -> codexHook(ctx));
  }

  /**
   * {@code POST /v1/hooks/opencode}: {@code {"event": "tool.execute.before", "sessionID", "tool",
   * "paths": [...], "directory", "worktree"}} answers {@code {"decision": "allow"}} or {@code
   * {"decision": "deny", "reason"}}; {@code {"event": "session.deleted", "sessionID"}} releases the
   * agent's locks.
   */
  public void opencode(Context ctx) {
    guarded(() -> opencodeHook(ctx));
  }

  /** A malformed request is a 400 naming what is wrong, through the API's one error mapper. */
  private static void guarded(Runnable handler) {
    try {
      handler.run();
    } catch (HookRejection e) {
      throw ApiError.invalid(e.getMessage());
    }
  }

  private void claudeHook(Context ctx) {
    ClaudeHook hook = parse(ctx, ClaudeHook::parse);
    if (ClaudeHook.SESSION_END.equals(hook.event())) {
      CompletableFuture<Integer> released = releaseAll(ctx, "claude", hook.sessionId());
      ctx.future(() -> released.thenAccept(n -> ctx.json(empty())));
      return;
    }
    if (ClaudeHook.SESSION_START.equals(hook.event())) {
      ctx.json(sessionStart(ctx, hook.sessionId()));
      return;
    }
    if (!hook.isEdit()) {
      // Not ours to decide: no opinion, so Claude Code's own rules apply.
      ctx.json(empty());
      return;
    }
    CompletableFuture<FileLockGate.Verdict> verdict =
        decide(ctx, "claude", hook.sessionId(), hook.cwd(), hook.paths());
    ctx.future(() -> verdict.thenAccept(v -> ctx.json(claudeAnswer(v))));
  }

  private void codexHook(Context ctx) {
    ClaudeHook hook = parse(ctx, ClaudeHook::parse);
    if (ClaudeHook.SESSION_END.equals(hook.event())) {
      CompletableFuture<Integer> released = releaseAll(ctx, "codex", hook.sessionId());
      ctx.future(() -> released.thenAccept(n -> ctx.json(releasedAnswer(n))));
      return;
    }
    if (!hook.isEdit()) {
      ctx.json(Json.mapper().createObjectNode().put("decision", "allow"));
      return;
    }
    CompletableFuture<FileLockGate.Verdict> verdict =
        decide(ctx, "codex", hook.sessionId(), hook.cwd(), hook.paths());
    ctx.future(() -> verdict.thenAccept(v -> writeStatusAnswer(ctx, v)));
  }

  private void opencodeHook(Context ctx) {
    HookRequest request = parse(ctx, HookRequest::new);
    String event = request.required("event");
    String session = request.string("sessionID");
    if ("session.deleted".equals(event) || "session.end".equals(event)) {
      if (session == null) {
        throw new HookRejection("field 'sessionID' is required for " + event);
      }
      CompletableFuture<Integer> released = releaseAll(ctx, "opencode", session);
      ctx.future(() -> released.thenAccept(n -> ctx.json(releasedAnswer(n))));
      return;
    }
    if (!"tool.execute.before".equals(event)) {
      throw new HookRejection(
          "field 'event' must be tool.execute.before or session.deleted, got "
              + EditTarget.shorten(event));
    }
    List<String> paths = request.strings("paths");
    if (paths == null || paths.isEmpty()) {
      ctx.json(Json.mapper().createObjectNode().put("decision", "allow"));
      return;
    }
    String worktree = request.string("worktree");
    String directory = request.string("directory");
    CompletableFuture<FileLockGate.Verdict> decided =
        decide(ctx, "opencode", session, directory, paths, worktree);
    ctx.future(
        () ->
            decided.thenAccept(
                verdict -> {
                  ObjectNode out = Json.mapper().createObjectNode();
                  if (verdict instanceof FileLockGate.Denied denied) {
                    out.put("decision", "deny").put("code", denied.code());
                    out.put("reason", denied.reason());
                  } else {
                    out.put("decision", "allow");
                  }
                  ctx.json(out);
                }));
  }

  private CompletableFuture<FileLockGate.Verdict> decide(
      Context ctx, String client, String session, String cwd, List<String> paths) {
    return decide(ctx, client, session, cwd, paths, null);
  }

  private CompletableFuture<FileLockGate.Verdict> decide(
      Context ctx,
      String client,
      String session,
      String cwd,
      List<String> paths,
      String rootFromBody) {
    String agent = agent(ctx, client, session);
    String workspace = workspace(ctx);
    String rootHeader = ctx.header(ROOT_HEADER);
    Path root = roots.resolve(rootHeader != null ? rootHeader : rootFromBody, cwd);
    List<EditTarget> targets = new ArrayList<>();
    for (String path : paths) {
      EditTarget.Mapping mapping = EditTarget.of(root, cwd, path);
      if (mapping instanceof EditTarget.Unmapped unmapped) {
        return CompletableFuture.completedFuture(
            new FileLockGate.Denied(
                "OUTSIDE_WORKSPACE", "baton: edit denied: " + unmapped.reason()));
      }
      targets.add(((EditTarget.Mapped) mapping).target());
    }
    return gate.acquireAll(agent, workspace, targets, wait(ctx));
  }

  /**
   * A session's end: every lock of the calling agent goes, however and wherever it was taken, as
   * read from every node. When not every node's part can be read, nothing is released (503).
   */
  private CompletableFuture<Integer> releaseAll(Context ctx, String client, String session) {
    String agent = agent(ctx, client, session);
    String workspace = workspace(ctx);
    AgentQueries.AgentView view = backend.agents().find(ctx, workspace, agent);
    return gate.releaseAll(agent, workspace, view.holdings());
  }

  /**
   * Claude Code's {@code SessionStart} output: {@code hookSpecificOutput.additionalContext} with
   * where the agent stands ({@link SessionContext}), gathered from every node ({@link
   * dev.baton.app.agent.AgentLookup}). When not every node's stores can be read right now the
   * context says so instead: a session start is never blocked.
   */
  private ObjectNode sessionStart(Context ctx, String session) {
    String agent = agent(ctx, "claude", session);
    String workspace = workspace(ctx);
    String context;
    try {
      context =
          SessionContext.of(
              AgentStatus.of(backend.agents().find(ctx, workspace, agent), backend.decisions()));
    } catch (InvalidStateStoreException | ApiError e) {
      // A store not queryable here, or a node whose part cannot be read (ApiError 503).
      context =
          "Baton: you are agent "
              + agent
              + " in workspace "
              + workspace
              + "; your locks and tasks cannot be read right now (partitions are moving between"
              + " nodes, or a node does not answer)."
              + " Call baton_status later.";
    }
    ObjectNode out = Json.mapper().createObjectNode();
    ObjectNode specific = out.putObject("hookSpecificOutput");
    specific.put("hookEventName", ClaudeHook.SESSION_START);
    specific.put("additionalContext", context);
    return out;
  }

  private static ObjectNode releasedAnswer(int released) {
    return Json.mapper().createObjectNode().put("released", released);
  }

  private Duration wait(Context ctx) {
    String value = ctx.queryParam("waitMs");
    if (value == null) {
      return settings.hookWait();
    }
    long ms;
    try {
      ms = Long.parseLong(value);
    } catch (NumberFormatException e) {
      ms = -1;
    }
    if (ms < 0 || ms > AgentSettings.MAX_AGENT_WAIT.toMillis()) {
      throw new HookRejection(
          "query parameter waitMs must be from 0 to "
              + AgentSettings.MAX_AGENT_WAIT.toMillis()
              + ", got "
              + EditTarget.shorten(value));
    }
    return Duration.ofMillis(ms);
  }

  private ObjectNode claudeAnswer(FileLockGate.Verdict verdict) {
    if (verdict instanceof FileLockGate.Denied denied) {
      ObjectNode out = Json.mapper().createObjectNode();
      ObjectNode specific = out.putObject("hookSpecificOutput");
      specific.put("hookEventName", ClaudeHook.PRE_TOOL_USE);
      specific.put("permissionDecision", "deny");
      specific.put("permissionDecisionReason", denied.reason());
      return out;
    }
    if (answerAllow) {
      ObjectNode out = Json.mapper().createObjectNode();
      ObjectNode specific = out.putObject("hookSpecificOutput");
      specific.put("hookEventName", ClaudeHook.PRE_TOOL_USE);
      specific.put("permissionDecision", "allow");
      specific.put("permissionDecisionReason", "baton: lock granted");
      return out;
    }
    return empty();
  }

  private static void writeStatusAnswer(Context ctx, FileLockGate.Verdict verdict) {
    if (verdict instanceof FileLockGate.Denied denied) {
      ctx.status(409)
          .json(
              Json.mapper()
                  .createObjectNode()
                  .put("error", denied.code())
                  .put("message", denied.reason()));
    } else {
      ctx.json(Json.mapper().createObjectNode().put("decision", "allow"));
    }
  }

  private static ObjectNode empty() {
    return Json.mapper().createObjectNode();
  }

  private static String agent(Context ctx, String client, String session) {
    String header = ctx.header(AGENT_HEADER);
    if (header != null && !header.isEmpty()) {
      return checkedId("header " + AGENT_HEADER, header);
    }
    if (session == null || session.isEmpty()) {
      throw new HookRejection(
          "no agent: send header "
              + AGENT_HEADER
              + " (BATON_AGENT in the hook script) or a session id");
    }
    StringBuilder id = new StringBuilder(client).append('-');
    for (int i = 0; i < session.length() && id.length() < client.length() + 13; i++) {
      char c = session.charAt(i);
      boolean allowed = c < 128 && Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_';
      id.append(allowed ? c : '_');
    }
    return checkedId("agent derived from the session id", id.toString());
  }

  private static String workspace(Context ctx) {
    String ws = ctx.header(WORKSPACE_HEADER);
    return ws == null || ws.isEmpty()
        ? AggregateKeys.DEFAULT_WORKSPACE
        : checkedId("header " + WORKSPACE_HEADER, ws);
  }

  private static String checkedId(String what, String value) {
    try {
      return Names.checkId(what, value);
    } catch (RuntimeException e) {
      throw new HookRejection(e.getMessage());
    }
  }

  private interface Parser<T> {
    T parse(JsonNode body);
  }

  private static <T> T parse(Context ctx, Parser<T> parser) {
    JsonNode body;
    try {
      body = Json.mapper().readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw new HookRejection("the hook body is not valid JSON: " + firstLine(e.getMessage()));
    }
    return parser.parse(body);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return EditTarget.shorten(nl < 0 ? message : message.substring(0, nl));
  }
}
