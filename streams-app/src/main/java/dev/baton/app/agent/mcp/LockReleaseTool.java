package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.state.LockQueries;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.LockState;
import java.util.Set;

/**
 * {@code lock_release}: releases the caller's grant, handing the lock to the next waiters; a caller
 * that only waits in the queue leaves it instead ({@code lock.cancel}).
 */
final class LockReleaseTool implements McpTool {
  private final BatonClient client;
  private final LockQueries locks;

  LockReleaseTool(BatonClient client, LockQueries locks) {
    this.client = client;
    this.locks = locks;
  }

  @Override
  public String name() {
    return "lock_release";
  }

  @Override
  public String description() {
    return "Release your lock (or leave its queue if you are only waiting).";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{\"resource\":{\"type\":\"string\"}},"
        + "\"required\":[\"resource\"],\"additionalProperties\":false}";
  }

  @Override
  public JsonNode call(ToolCall call) {
    String resource =
        LockCommands.resource(name(), call.args().only(Set.of("resource")).string("resource"));
    LockState lock = LockCommands.current(locks, call.workspace(), resource);
    boolean onlyWaiting =
        lock != null
            && LockCommands.positionOf(lock, call.agent()) > 0
            && lock.holders().stream().noneMatch(h -> h.agent().equals(call.agent()));
    CommandType type = onlyWaiting ? CommandType.LOCK_CANCEL : CommandType.LOCK_RELEASE;
    return LockCommands.result(
        resource,
        Outcomes.await(
            client
                .as(call.agent(), call.workspace())
                .submit(type, LockCommands.resourceBody(resource, null), WriteOptions.NONE)));
  }
}
