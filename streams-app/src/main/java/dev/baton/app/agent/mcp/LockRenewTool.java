package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.CommandType;
import java.util.Set;

/** {@code lock_renew}: extends the caller's lease from now (holder only). */
final class LockRenewTool implements McpTool {
  private final BatonClient client;

  LockRenewTool(BatonClient client) {
    this.client = client;
  }

  @Override
  public String name() {
    return "lock_renew";
  }

  @Override
  public String description() {
    return "Extend your lease on a lock you hold (same token).";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{\"resource\":{\"type\":\"string\"},"
        + "\"leaseMs\":{\"type\":\"integer\",\"minimum\":1}},"
        + "\"required\":[\"resource\"],\"additionalProperties\":false}";
  }

  @Override
  public JsonNode call(ToolCall call) {
    ToolArgs args = call.args().only(Set.of("resource", "leaseMs"));
    String resource = LockCommands.resource(name(), args.string("resource"));
    return LockCommands.result(
        resource,
        Outcomes.await(
            client
                .as(call.agent(), call.workspace())
                .submit(
                    CommandType.LOCK_RENEW,
                    LockCommands.resourceBody(resource, args.optLong("leaseMs", 1, Long.MAX_VALUE)),
                    WriteOptions.NONE)));
  }
}
