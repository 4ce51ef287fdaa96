package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.feed.CursorExpiredException;

/**
 * A tool call that did not take effect: answered as a tool result with {@code isError}, carrying
 * the protocol's outcome code (or {@code INVALID}, {@code UNAVAILABLE}, {@code TIMEOUT}), a message
 * and the current state when known (or, for {@code CURSOR_EXPIRED}, the oldest readable cursor), so
 * the model can rebase and retry. Never a protocol error.
 */
public final class ToolFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final transient JsonNode state;
  private final String oldest;

  public ToolFailure(String code, String message, JsonNode state) {
    this(code, message, state, null);
  }

  private ToolFailure(String code, String message, JsonNode state, String oldest) {
    super(message, null, false, false);
    this.code = code;
    this.state = state;
    this.oldest = oldest;
  }

  /** {@code CURSOR_EXPIRED} with the oldest readable cursor, in the words of the HTTP 410. */
  public static ToolFailure cursorExpired(CursorExpiredException expired) {
    return new ToolFailure("CURSOR_EXPIRED", expired.getMessage(), null, expired.oldest().encode());
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

  /** For {@code CURSOR_EXPIRED}: the oldest cursor still readable; null otherwise. */
  public String oldest() {
    return oldest;
  }
}
