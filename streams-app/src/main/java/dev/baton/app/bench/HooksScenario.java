package dev.baton.app.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.Json;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code hooks}: what an agent waits for around its edits, one client, sequential, HTTP/1.1 on
 * kept-alive connections ({@link KeepAliveHttp}):
 *
 * <ul>
 *   <li>{@code hook_first_edit}: Claude Code's {@code PreToolUse} for a file nobody holds ({@code
 *       POST /v1/hooks/claude}, a new file each time: one lock acquire through the topology);
 *   <li>{@code hook_repeat_edit}: the same hook for a file the agent already holds (the acquire
 *       renews the lease);
 *   <li>{@code mcp_lock_pair}: an MCP {@code lock_acquire} plus {@code lock_release} over
 *       streamable HTTP ({@code /mcp}, one initialized session, two {@code tools/call});
 * </ul>
 *
 * next to the baseline of the same run, a plain {@code GET /v1/tasks/{ws}/{id}}.
 */
public final class HooksScenario implements Scenario {
  private static final String AGENT = "bench-hooks";
  private static final String ROOT = "/bench/repo";

  @Override
  public String name() {
    return "hooks";
  }

  @Override
  public BenchResult run(BenchEnvironment env) throws Exception {
    Duration measure =
        BenchOptions.pick(
            env.options().seconds(), env.quick(), Duration.ofSeconds(2), Duration.ofSeconds(15));
    Duration warmup = env.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
    BenchResult result = new BenchResult(name());
    env.describe(result);
    result.config("clients", "1, sequential, HTTP/1.1 keep-alive");
    result.config("warmup_s", warmup.toSeconds());
    result.config("measure_s", measure.toSeconds());
    try (BenchNode node = env.startNode(name())) {
      try (BatonClient client = node.client(AGENT)) {
        client
            .tasks()
            .create(NewTask.titled("hooks bench").withId("h-1"))
            .get(60, TimeUnit.SECONDS);
      }
      int port = node.service().httpPort();
      Map<String, String> hookHeaders =
          Map.of(
              "Content-Type", "application/json",
              "X-Baton-Agent", AGENT,
              "X-Baton-Root", ROOT);
      Latency get = new Latency();
      Latency first = new Latency();
      Latency repeat = new Latency();
      Latency mcp = new Latency();
      try (KeepAliveHttp http = new KeepAliveHttp("127.0.0.1", port)) {
        TimedLoop.run(
            warmup, measure, get, i -> expect(http.get("/v1/tasks/default/h-1"), "GET task"));
        TimedLoop.run(
            warmup,
            measure,
            first,
            i -> hook(http, hookHeaders, "src/First" + System.nanoTime() + ".java"));
        TimedLoop.run(warmup, measure, repeat, i -> hook(http, hookHeaders, "src/Repeat.java"));
      }
      // A connection of its own, opened now: an idle one would have been closed by the server.
      try (KeepAliveHttp mcpHttp = new KeepAliveHttp("127.0.0.1", port)) {
        Map<String, String> session = initialize(mcpHttp);
        TimedLoop.run(
            warmup,
            measure,
            mcp,
            i -> {
              String resource = "file/src/Mcp" + (i % 64) + ".java";
              tool(mcpHttp, session, "lock_acquire", "{\"resource\":\"" + resource + "\"}");
              tool(mcpHttp, session, "lock_release", "{\"resource\":\"" + resource + "\"}");
            });
      }
      result.metric("hook_first_edit_p50_ms", first.p50Ms());
      result.metric("hook_first_edit_p99_ms", first.p99Ms());
      result.metric("hook_repeat_edit_p50_ms", repeat.p50Ms());
      result.metric("hook_repeat_edit_p99_ms", repeat.p99Ms());
      result.metric("mcp_lock_pair_p50_ms", mcp.p50Ms());
      result.metric("mcp_lock_pair_p99_ms", mcp.p99Ms());
      result.metric("hooks_per_s", first.count() / (double) measure.toSeconds());
      result.baseline("get_task_p50_ms", get.p50Ms());
      result.baseline("get_task_p99_ms", get.p99Ms());
      result.ratio("hook_first_edit_p99_ms/get_task", first.p99Ms(), get.p99Ms());
      result.ratio("mcp_lock_pair_p99_ms/get_task", mcp.p99Ms(), get.p99Ms());
    }
    return result;
  }

  private static void hook(KeepAliveHttp http, Map<String, String> headers, String file)
      throws Exception {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("hook_event_name", "PreToolUse");
    body.put("session_id", "bench-session");
    body.put("cwd", ROOT);
    body.put("tool_name", "Edit");
    body.putObject("tool_input").put("file_path", ROOT + "/" + file);
    KeepAliveHttp.Answer answer =
        http.exchange("POST", "/v1/hooks/claude", headers, body.toString());
    if (answer.status() != 200 || answer.body().contains("\"deny\"")) {
      throw new IllegalStateException("hook answered " + answer.status() + ": " + answer.body());
    }
  }

  private static Map<String, String> initialize(KeepAliveHttp http) throws Exception {
    Map<String, String> headers =
        Map.of(
            "Content-Type", "application/json",
            "Accept", "application/json, text/event-stream",
            "X-Baton-Agent", AGENT);
    KeepAliveHttp.Answer init =
        http.exchange(
            "POST",
            "/mcp",
            headers,
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"baton-bench\",\"version\":\"1\"}}}");
    String session = init.headers().get("mcp-session-id");
    if (init.status() != 200 || session == null) {
      throw new IllegalStateException(
          "MCP initialize answered " + init.status() + ": " + init.body());
    }
    Map<String, String> sessionHeaders = new java.util.HashMap<>(headers);
    sessionHeaders.put("Mcp-Session-Id", session);
    sessionHeaders.put("MCP-Protocol-Version", "2025-06-18");
    http.exchange(
        "POST",
        "/mcp",
        sessionHeaders,
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return Map.copyOf(sessionHeaders);
  }

  private static void tool(
      KeepAliveHttp http, Map<String, String> headers, String tool, String arguments)
      throws Exception {
    KeepAliveHttp.Answer answer =
        http.exchange(
            "POST",
            "/mcp",
            headers,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\""
                + tool
                + "\",\"arguments\":"
                + arguments
                + "}}");
    if (answer.status() != 200 || !answer.body().contains("\"isError\":false")) {
      throw new IllegalStateException(tool + " answered " + answer.status() + ": " + answer.body());
    }
  }

  private static void expect(int status, String what) {
    if (status != 200) {
      throw new IllegalStateException(what + " answered " + status);
    }
  }
}
