package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One MCP tool: a name, a one-line description, a JSON schema of its arguments, and the call. A
 * call answers a compact JSON result, or throws {@link ToolFailure} for a result with {@code
 * isError}. Adding a tool is one class implementing this, listed in {@link AgentTools}.
 */
public interface McpTool {
  String name();

  /** What the model reads to pick the tool: short, since every session pays for it in tokens. */
  String description();

  /** The JSON schema of the arguments. */
  String inputSchema();

  /** Whether the tool only reads (an MCP annotation clients may use to skip confirmations). */
  default boolean readOnly() {
    return false;
  }

  JsonNode call(ToolCall call);
}
