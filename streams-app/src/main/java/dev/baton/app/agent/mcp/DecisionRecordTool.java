package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewDecision;
import dev.baton.sdk.protocol.Outcome;
import java.util.Set;

/** {@code decision_record}: an ADR-style decision, numbered per workspace. */
final class DecisionRecordTool implements McpTool {
  private final BatonClient client;

  DecisionRecordTool(BatonClient client) {
    this.client = client;
  }

  @Override
  public String name() {
    return "decision_record";
  }

  @Override
  public String description() {
    return "Record a decision (ADR style) so other agents follow it.";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"},"
        + "\"decision\":{\"type\":\"string\"},\"context\":{\"type\":\"string\"},"
        + "\"alternatives\":{\"type\":\"string\"},\"consequences\":{\"type\":\"string\"},"
        + "\"supersedes\":{\"type\":\"integer\",\"minimum\":1},\"taskId\":{\"type\":\"string\"}},"
        + "\"required\":[\"title\",\"decision\"],\"additionalProperties\":false}";
  }

  @Override
  public JsonNode call(ToolCall call) {
    ToolArgs args =
        call.args()
            .only(
                Set.of(
                    "title",
                    "decision",
                    "context",
                    "alternatives",
                    "consequences",
                    "supersedes",
                    "taskId"));
    Long supersedes = args.optLong("supersedes", 1, Integer.MAX_VALUE);
    NewDecision decision =
        new NewDecision(
            args.string("title"),
            args.optString("context"),
            args.string("decision"),
            args.optString("alternatives"),
            args.optString("consequences"),
            supersedes == null ? null : supersedes.intValue(),
            args.optId("taskId"));
    Outcome done =
        Outcomes.await(client.as(call.agent(), call.workspace()).decisions().record(decision));
    ObjectNode out = ToolJson.object();
    out.put("status", done.status().name());
    out.put("number", done.version());
    return out;
  }
}
