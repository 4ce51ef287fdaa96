package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool call that did not take effect: answered as a tool result with {@code isError}, carrying
 * the protocol's outcome code (or {@code INVALID}, {@code UNAVAILABLE}, {@code TIMEOUT}), a message
 * and the current state when known, so the model can rebase and retry. Never a protocol error.
 */
public final class ToolFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final transient JsonNode state;

  public ToolFailure(String code, String message, JsonNode state) {
    super(message, null, false, false);
    this.code = code;
    this.state = state;
  }

  public static ToolFailure invalid(String message) {
    return new ToolFailure("INVALID", message, null);
  }

  public String code() {
    return code;
  }

  /** The current state of the aggregate (compact), or null. */
  public JsonNode state() {
    return state;
  }
}
