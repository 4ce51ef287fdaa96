package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.agent.AgentBackend;
import dev.baton.app.agent.AgentStatus;
import dev.baton.app.state.AgentHoldings;
import dev.baton.sdk.protocol.EventCursor;
import dev.baton.sdk.protocol.Task;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code baton_status}: where the caller stands, in one call: the locks it holds (resource, mode,
 * token, lease deadline), the lock requests it waits in (resource, position), its unfinished tasks
 * (id, title, status, version) and the newest decisions (number, title). Each list holds at most
 * {@value #MAX_LOCKS} locks or requests, {@value AgentStatus#MAX_TASKS} tasks and {@value
 * AgentStatus#MAX_DECISIONS} decisions; {@code more} names the lists that were cut. {@code cursor}
 * is the event feed's end, taken before anything else is read: {@code events_wait} from it misses
 * nothing that happened after this status (absent on a node without a feed).
 */
final class BatonStatusTool implements McpTool {
  static final int MAX_LOCKS = 50;

  private final AgentBackend backend;

  BatonStatusTool(AgentBackend backend) {
    this.backend = backend;
  }

  @Override
  public String name() {
    return "baton_status";
  }

  @Override
  public String description() {
    return "Your locks, queued lock requests, unfinished tasks, the newest decisions, and the"
        + " event cursor for events_wait.";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}";
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public JsonNode call(ToolCall call) {
    call.args().only(Set.of());
    // Before the reads: an event racing them is delivered again rather than missed.
    EventCursor cursor = backend.feed() == null ? null : backend.feed().now();
    AgentStatus status = AgentStatus.read(backend, call.workspace(), call.agent());
    AgentHoldings.Holdings locks = status.locks();
    ObjectNode out = ToolJson.object();
    out.put("agent", status.agent());
    ArrayNode more = ToolJson.object().arrayNode();
    list(out, more, "locks", locks.held(), !locks.complete(), BatonStatusTool::held);
    list(out, more, "queued", locks.waiting(), !locks.complete(), BatonStatusTool::waiting);
    list(out, more, "tasks", status.tasks(), status.moreTasks(), BatonStatusTool::task);
    ArrayNode decisions = out.putArray("decisions");
    for (AgentStatus.Decision d : status.decisions()) {
      decisions.addObject().put("number", d.number()).put("title", d.title());
    }
    if (status.decisionsUnavailable() != null) {
      out.put("decisionsUnavailable", status.decisionsUnavailable());
    }
    if (!more.isEmpty()) {
      out.set("more", more);
    }
    if (cursor != null) {
      out.put("cursor", cursor.encode());
    }
    return out;
  }

  private static <T> void list(
      ObjectNode out,
      ArrayNode more,
      String name,
      List<T> items,
      boolean cut,
      Function<T, ObjectNode> compact) {
    ArrayNode list = out.putArray(name);
    int shown = Math.min(items.size(), MAX_LOCKS);
    for (int i = 0; i < shown; i++) {
      list.add(compact.apply(items.get(i)));
    }
    if (cut || shown < items.size()) {
      more.add(name);
    }
  }

  private static ObjectNode held(AgentHoldings.Held h) {
    ObjectNode o = ToolJson.object().put("resource", h.resource()).put("mode", h.mode().name());
    o.put("token", h.token());
    return o.put("leaseDeadline", String.valueOf(h.leaseDeadline()));
  }

  private static ObjectNode waiting(AgentHoldings.Waiting w) {
    return ToolJson.object().put("resource", w.resource()).put("position", w.position());
  }

  private static ObjectNode task(Task t) {
    ObjectNode o = ToolJson.object().put("id", t.id()).put("title", t.title());
    return o.put("status", t.status().name()).put("version", t.version());
  }
}
