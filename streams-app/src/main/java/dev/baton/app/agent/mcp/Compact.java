package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.feed.CursorExpiredException;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.BatonTimeoutException;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Outcome;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compact views for tool results: the fields a model needs to act, without audit metadata
 * (creators, per-field versions, request ids), because every token of a result is paid for.
 */
public final class Compact {
  private static final Logger LOG = LoggerFactory.getLogger(Compact.class);

  private static final List<String> TASK_SUMMARY =
      List.of("id", "title", "status", "assignee", "priority", "version");
  private static final List<String> TASK_DETAIL =
      List.of(
          "id",
          "title",
          "status",
          "assignee",
          "priority",
          "labels",
          "dependsOn",
          "description",
          "fields",
          "version",
          "updatedBy",
          "updatedAt");

  private static final List<String> EVENT = List.of("type", "key", "version", "agent", "at");

  private Compact() {}

  /** A task in a listing: id, title, status, assignee, priority, version. */
  public static ObjectNode taskSummary(JsonNode task) {
    return pick(task, TASK_SUMMARY);
  }

  /** A task in full, less the audit fields. */
  public static ObjectNode task(JsonNode task) {
    return pick(task, TASK_DETAIL);
  }

  /**
   * An event of the feed, less its event and command ids: type, key, version, agent, at, and its
   * data compacted by kind ({@link #state}).
   */
  public static ObjectNode event(JsonNode event) {
    ObjectNode out = pick(event, EVENT);
    JsonNode data = state(event.get("data"));
    if (data != null) {
      out.set("data", data);
    }
    return out;
  }

  /** A lock: holders (agent, mode, token, lease deadline), queue (agent, mode, position). */
  public static ObjectNode lock(JsonNode lock) {
    ObjectNode out = ToolJson.object();
    out.set("resource", lock.get("resource"));
    ArrayNode holders = out.putArray("holders");
    for (JsonNode h : lock.path("holders")) {
      holders.add(pick(h, List.of("agent", "mode", "token", "leaseDeadline")));
    }
    ArrayNode queue = out.putArray("queue");
    int position = 1;
    for (JsonNode w : lock.path("queue")) {
      queue.add(pick(w, List.of("agent", "mode")).put("position", position++));
    }
    out.set("lastToken", lock.get("lastToken"));
    return out;
  }

  /** A state carried by an outcome, compacted by its kind (task, lock, or as it is). */
  public static JsonNode state(JsonNode state) {
    if (state == null || state.isNull() || !state.isObject()) {
      return null;
    }
    if (state.has("holders")) {
      return lock(state);
    }
    if (state.has("status") && state.has("title")) {
      return task(state);
    }
    return state;
  }

  /** The failure of a rejected command: its code, message and the current state. */
  public static ToolFailure rejected(Outcome outcome) {
    String code = outcome.code() == null ? "INTERNAL_ERROR" : outcome.code().name();
    return new ToolFailure(
        code, outcome.message() == null ? code : outcome.message(), state(outcome.state()));
  }

  /** Any failure of a call, as a tool failure; a server fault is logged here. */
  public static ToolFailure failure(Throwable failure) {
    Throwable e = failure;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof ToolFailure tool) {
      return tool;
    }
    if (e instanceof CursorExpiredException expired) {
      return ToolFailure.cursorExpired(expired);
    }
    if (e instanceof RejectedExecutionException busy) {
      return new ToolFailure("UNAVAILABLE", busy.getMessage(), null);
    }
    if (e instanceof BatonRejectedException rejected) {
      return rejected(rejected.outcome());
    }
    if (e instanceof BatonTimeoutException timeout) {
      return new ToolFailure(
          "TIMEOUT", timeout.getMessage() + "; the command may still apply", null);
    }
    if (e instanceof InvalidCommandException invalid) {
      return ToolFailure.invalid(invalid.getMessage());
    }
    if (e instanceof BatonException baton) {
      return new ToolFailure("UNAVAILABLE", "cannot send the command: " + baton.getMessage(), null);
    }
    if (e instanceof InvalidStateStoreException store) {
      return new ToolFailure(
          "UNAVAILABLE", "state is not queryable right now; retry shortly", null);
    }
    LOG.error("MCP tool call failed on the server", e);
    return new ToolFailure("INTERNAL_ERROR", "the server failed on this call; see its log", null);
  }

  private static ObjectNode pick(JsonNode from, List<String> fields) {
    ObjectNode out = ToolJson.object();
    for (String f : fields) {
      JsonNode v = from.get(f);
      if (v != null && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
        out.set(f, v);
      }
    }
    return out;
  }
}
