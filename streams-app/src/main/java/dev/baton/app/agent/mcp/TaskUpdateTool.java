package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.TaskField;
import dev.baton.sdk.protocol.TaskStatus;
import java.util.Set;

/**
 * {@code task_update}: patches fields and, optionally, moves the task in the same call. With both,
 * the update goes first and the transition only if it was accepted; {@code release} applies to the
 * last write, so the lock is handed on only once everything landed.
 */
final class TaskUpdateTool implements McpTool {
  private final BatonClient client;

  TaskUpdateTool(BatonClient client) {
    this.client = client;
  }

  @Override
  public String name() {
    return "task_update";
  }

  @Override
  public String description() {
    return "Update task fields (set) with optimistic locking; optional status change (to).";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
        + "\"set\":{\"type\":\"object\",\"description\":\"any of title, description, priority,"
        + " labels, dependsOn, fields (merged key by key; null removes a key)\"},"
        + "\"to\":{\"type\":\"string\",\"enum\":"
        + Schemas.enumOf(TaskStatus.values())
        + "},"
        + TaskGuards.SCHEMA
        + "},\"required\":[\"id\"],\"additionalProperties\":false}";
  }

  @Override
  public JsonNode call(ToolCall call) {
    ToolArgs args =
        call.args().only(Set.of("id", "set", "to", "expectedVersion", "fence", "release"));
    String id = args.id("id");
    ObjectNode patch = args.optObject("set");
    TaskStatus to = args.optEnum("to", TaskStatus.class);
    if ((patch == null || patch.isEmpty()) && to == null) {
      throw ToolFailure.invalid("task_update: give 'set' (the fields to change), 'to', or both");
    }
    if (patch != null) {
      patch
          .fieldNames()
          .forEachRemaining(
              f -> {
                if (!TaskField.PATCHABLE.contains(f)) {
                  throw ToolFailure.invalid(
                      "task_update: 'set' cannot change '"
                          + f
                          + "'; it can change "
                          + TaskField.PATCHABLE);
                }
              });
    }
    WriteOptions options = TaskGuards.options(args, id);
    BatonClient as = client.as(call.agent(), call.workspace());
    Outcome done = null;
    if (patch != null && !patch.isEmpty()) {
      WriteOptions first =
          to == null ? options : new WriteOptions(options.expectedVersion(), options.fence(), null);
      done = Outcomes.await(as.tasks().update(id, patch, first));
    }
    if (to != null) {
      // After our own update the version moved on; the transition is guarded by the fence alone.
      WriteOptions second =
          done == null
              ? options
              : new WriteOptions(null, options.fence(), null, options.releaseLock());
      done = Outcomes.await(as.tasks().transition(id, to, second));
    }
    return Outcomes.taskResult(done);
  }
}
