package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.agent.AgentBackend;
import dev.baton.app.agent.DecisionSource;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Names;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapperSupplier;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Baton's MCP server over streamable HTTP ({@code /mcp} on the API port): the tools of {@link
 * AgentTools}, the resources {@code baton://decisions} and {@code baton://tasks/{id}}.
 *
 * <p>Identity comes from the transport, never from a tool argument: {@value #AGENT_HEADER} names
 * the agent of every call (required for tools), {@value #WORKSPACE_HEADER} the workspace (default
 * {@code default}). {@code baton mcp} bridges stdio clients to this endpoint and sets the headers
 * from {@code BATON_AGENT} and {@code BATON_WORKSPACE}.
 *
 * <p>Every tool failure, a rejected command above all, is a tool result with {@code isError} whose
 * text is {@code {"error": CODE, "message": ..., "state": ...}}: the model reads the outcome code
 * and the current state and can rebase, where a protocol error would only say that the call failed.
 */
public final class BatonMcpServer implements AutoCloseable {
  public static final String AGENT_HEADER = "X-Baton-Agent";
  public static final String WORKSPACE_HEADER = "X-Baton-Workspace";
  public static final String PATH = "/mcp";
  static final int MAX_REQUEST_BYTES = 256 * 1024;

  private static final String AGENT_KEY = "baton.agent";
  private static final String WORKSPACE_KEY = "baton.workspace";
  private static final String INSTRUCTIONS =
      "Baton coordinates agents sharing a codebase. Claim a task before working on it; lock"
          + " file/<path> before editing a file others may edit; record decisions others must"
          + " follow. Rejections carry the current state: rebase and retry.";

  private final HttpServletStreamableServerTransportProvider transport;
  private final McpSyncServer server;

  private BatonMcpServer(
      HttpServletStreamableServerTransportProvider transport, McpSyncServer server) {
    this.transport = transport;
    this.server = server;
  }

  /** The server with {@code tools}; mount {@link #servlet()} at {@value #PATH}. */
  public static BatonMcpServer create(AgentBackend backend, List<McpTool> tools, String version) {
    McpJsonMapper mapper = new JacksonMcpJsonMapperSupplier().get();
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(mapper)
            .mcpEndpoint(PATH)
            .maxRequestSize(MAX_REQUEST_BYTES)
            .contextExtractor(BatonMcpServer::identity)
            .securityValidator(
                DefaultServerTransportSecurityValidator.builder()
                    .allowedHosts(backend.settings().allowedHosts())
                    .allowedOrigins(backend.settings().allowedOrigins())
                    .build())
            .build();
    List<McpServerFeatures.SyncToolSpecification> specs =
        tools.stream().map(tool -> toolSpec(mapper, tool)).toList();
    McpSyncServer server =
        McpServer.sync(transport)
            .serverInfo("baton", version)
            .instructions(INSTRUCTIONS)
            .jsonMapper(mapper)
            // Each tool checks its own arguments (ToolArgs), so that a bad argument is an isError
            // result in the same JSON shape as every other failure, naming the argument.
            .validateToolInputs(false)
            // The servlet transport blocks the request's Jetty thread until a call answers anyway;
            // running the call there too keeps waiting calls (lock_acquire, events_wait) off the
            // SDK's default worker pool (10 threads per core), which they would otherwise fill,
            // stalling every other tool call on the node behind them.
            .immediateExecution(true)
            .capabilities(
                McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).build())
            .tools(specs)
            .resources(decisionsResource(backend.decisions()))
            .resourceTemplates(taskResource(backend))
            .build();
    return new BatonMcpServer(transport, server);
  }

  /** The servlet of the streamable HTTP transport (async; mount it at {@value #PATH}). */
  public jakarta.servlet.http.HttpServlet servlet() {
    return transport;
  }

  @Override
  public void close() {
    server.closeGracefully();
  }

  private static McpTransportContext identity(HttpServletRequest request) {
    Map<String, Object> values = new HashMap<>();
    String agent = request.getHeader(AGENT_HEADER);
    String workspace = request.getHeader(WORKSPACE_HEADER);
    values.put(AGENT_KEY, agent == null ? "" : agent);
    values.put(WORKSPACE_KEY, workspace == null ? "" : workspace);
    return McpTransportContext.create(values);
  }

  private static String agentOf(McpSyncServerExchange exchange) {
    Object agent = exchange.transportContext().get(AGENT_KEY);
    if (agent == null || agent.toString().isEmpty()) {
      throw ToolFailure.invalid(
          "no agent: send header "
              + AGENT_HEADER
              + " (baton mcp sets it from BATON_AGENT); identity never comes from an argument");
    }
    try {
      return Names.checkId("header " + AGENT_HEADER, agent.toString());
    } catch (RuntimeException e) {
      throw ToolFailure.invalid(e.getMessage());
    }
  }

  private static String workspaceOf(McpSyncServerExchange exchange) {
    Object ws = exchange.transportContext().get(WORKSPACE_KEY);
    if (ws == null || ws.toString().isEmpty()) {
      return AggregateKeys.DEFAULT_WORKSPACE;
    }
    try {
      return Names.checkId("header " + WORKSPACE_HEADER, ws.toString());
    } catch (RuntimeException e) {
      throw ToolFailure.invalid(e.getMessage());
    }
  }

  private static McpServerFeatures.SyncToolSpecification toolSpec(
      McpJsonMapper mapper, McpTool tool) {
    McpSchema.Tool.Builder schema =
        McpSchema.Tool.builder()
            .name(tool.name())
            .description(tool.description())
            .inputSchema(mapper, tool.inputSchema());
    if (tool.readOnly()) {
      // Only where it is true: clients may skip confirmations for reads; absent costs no tokens.
      schema.annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(true).build());
    }
    return McpServerFeatures.SyncToolSpecification.builder()
        .tool(schema.build())
        .callHandler((exchange, request) -> call(tool, exchange, request))
        .build();
  }

  static McpSchema.CallToolResult call(
      McpTool tool, McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
    try {
      ToolCall call =
          new ToolCall(
              agentOf(exchange),
              workspaceOf(exchange),
              new ToolArgs(tool.name(), ToolJson.tree(request.arguments())),
              progress(exchange, request));
      JsonNode result = tool.call(call);
      return McpSchema.CallToolResult.builder()
          .addTextContent(ToolJson.compact(result))
          .isError(false)
          .build();
    } catch (RuntimeException e) {
      ToolFailure failure = Compact.failure(e);
      ObjectNode body = ToolJson.object();
      body.put("error", failure.code());
      body.put("message", failure.getMessage());
      if (failure.state() != null) {
        body.set("state", failure.state());
      }
      if (failure.oldest() != null) {
        body.put("oldest", failure.oldest());
      }
      return McpSchema.CallToolResult.builder()
          .addTextContent(ToolJson.compact(body))
          .isError(true)
          .build();
    }
  }

  /** Progress notifications, when the request carried a progress token; nothing otherwise. */
  private static Consumer<String> progress(
      McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
    Object token = request.meta() == null ? null : request.meta().get("progressToken");
    if (token == null) {
      return message -> {};
    }
    AtomicInteger step = new AtomicInteger();
    return message ->
        exchange.progressNotification(
            new McpSchema.ProgressNotification(token, step.incrementAndGet(), null, message));
  }

  private static McpServerFeatures.SyncResourceSpecification decisionsResource(
      DecisionSource decisions) {
    McpSchema.Resource resource =
        McpSchema.Resource.builder()
            .uri("baton://decisions")
            .name("decisions")
            .description("The decision log (decisions.md)")
            .mimeType("text/markdown")
            .build();
    return new McpServerFeatures.SyncResourceSpecification(
        resource,
        (exchange, request) -> {
          String text;
          try {
            text = decisions.document();
          } catch (DecisionSource.DecisionsUnavailableException e) {
            text = "Decisions are not available on this node: " + e.getMessage() + "\n";
          }
          return new McpSchema.ReadResourceResult(
              List.of(new McpSchema.TextResourceContents(request.uri(), "text/markdown", text)));
        });
  }

  private static McpServerFeatures.SyncResourceTemplateSpecification taskResource(
      AgentBackend backend) {
    McpSchema.ResourceTemplate template =
        McpSchema.ResourceTemplate.builder()
            .uriTemplate("baton://tasks/{id}")
            .name("task")
            .description("One task as JSON")
            .mimeType("application/json")
            .build();
    return new McpServerFeatures.SyncResourceTemplateSpecification(
        template,
        (exchange, request) -> {
          String id = request.uri().substring("baton://tasks/".length());
          JsonNode task;
          try {
            task =
                Compact.task(
                    ToolJson.tree(
                        TaskGetTool.find(
                            backend.tasks(), workspaceOf(exchange), Names.checkId("task id", id))));
          } catch (RuntimeException e) {
            ToolFailure f = Compact.failure(e);
            ObjectNode body =
                ToolJson.object().put("error", f.code()).put("message", f.getMessage());
            task = body;
          }
          return new McpSchema.ReadResourceResult(
              List.of(
                  new McpSchema.TextResourceContents(
                      request.uri(), "application/json", ToolJson.compact(task))));
        });
  }
}
