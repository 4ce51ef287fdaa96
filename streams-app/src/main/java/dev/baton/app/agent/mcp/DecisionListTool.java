package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.agent.DecisionSource;
import java.util.List;
import java.util.Set;

/**
 * {@code decision_list}: the newest decisions, read from the projection (so it trails the log by
 * the projection sink's lag, and needs a node that runs one).
 */
final class DecisionListTool implements McpTool {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  private static final List<String> FIELDS =
      List.of("number", "title", "decision", "supersedes", "taskId", "agent", "at");

  private final DecisionSource decisions;

  DecisionListTool(DecisionSource decisions) {
    this.decisions = decisions;
  }

  @Override
  public String name() {
    return "decision_list";
  }

  @Override
  public String description() {
    return "Newest decisions first (optionally of one task). Follow them.";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{\"taskId\":{\"type\":\"string\"},"
        + "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":"
        + MAX_LIMIT
        + "}},\"additionalProperties\":false}";
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public JsonNode call(ToolCall call) {
    ToolArgs args = call.args().only(Set.of("taskId", "limit"));
    Long limit = args.optLong("limit", 1, MAX_LIMIT);
    List<JsonNode> found;
    try {
      found =
          decisions.recent(
              call.workspace(),
              args.optId("taskId"),
              limit == null ? DEFAULT_LIMIT : limit.intValue());
    } catch (DecisionSource.DecisionsUnavailableException e) {
      throw new ToolFailure("UNAVAILABLE", e.getMessage(), null);
    }
    ObjectNode out = ToolJson.object();
    ArrayNode list = out.putArray("decisions");
    for (JsonNode d : found) {
      ObjectNode item = list.addObject();
      for (String f : FIELDS) {
        if (d.hasNonNull(f)) {
          item.set(f, d.get(f));
        }
      }
    }
    return out;
  }
}
