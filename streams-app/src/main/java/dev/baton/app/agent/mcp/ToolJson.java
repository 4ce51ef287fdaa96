package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Json;

/** JSON helpers of the tools: the protocol's mapper, compact output. */
public final class ToolJson {
  private ToolJson() {}

  public static ObjectNode object() {
    return Json.mapper().createObjectNode();
  }

  public static JsonNode tree(Object value) {
    return Json.mapper().valueToTree(value);
  }

  /** {@code node} as one line of JSON: compact results cost the model fewer tokens. */
  public static String compact(JsonNode node) {
    try {
      return Json.mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }
}
