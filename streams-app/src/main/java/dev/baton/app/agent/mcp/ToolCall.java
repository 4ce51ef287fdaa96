package dev.baton.app.agent.mcp;

import java.util.function.Consumer;

/**
 * One call of a tool: who calls (from the transport: {@code X-Baton-Agent}, or {@code BATON_AGENT}
 * through {@code baton mcp}; never from an argument), in which workspace, with which arguments, and
 * where progress goes while it waits.
 */
public record ToolCall(String agent, String workspace, ToolArgs args, Consumer<String> progress) {
  /** Reports progress (a notification to the client when it asked for progress). */
  public void progress(String message) {
    progress.accept(message);
  }
}
