package dev.baton.app.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Raw command envelopes as JSON trees, built the way a client would put them on {@code
 * baton.commands}. Trees (not {@code Command} records) so that tests can break them on purpose.
 */
public final class CommandFixtures {
  public static final String WORKSPACE = AggregateKeys.DEFAULT_WORKSPACE;
  public static final String ISSUED_AT = "2025-01-01T00:00:00Z";

  private static final ObjectMapper MAPPER = Json.mapper();
  private static final AtomicInteger IDS = new AtomicInteger();

  private CommandFixtures() {}

  /** A fresh, valid command id. */
  public static String newId() {
    return "cmd-" + IDS.incrementAndGet();
  }

  public static String taskKey(String taskId) {
    return AggregateKeys.task(WORKSPACE, taskId);
  }

  /** An envelope without a body. */
  public static ObjectNode envelope(String type, String agent) {
    ObjectNode cmd = MAPPER.createObjectNode();
    cmd.put("id", newId());
    cmd.put("type", type);
    cmd.put("workspace", WORKSPACE);
    cmd.put("agent", agent);
    cmd.put("issuedAt", ISSUED_AT);
    return cmd;
  }

  public static ObjectNode create(String agent, String taskId, String title) {
    ObjectNode cmd = envelope("task.create", agent);
    ObjectNode body = cmd.putObject("body");
    body.put("taskId", taskId);
    body.put("title", title);
    return cmd;
  }

  /** {@code task.create} with every optional body field set. */
  public static ObjectNode createFull(String agent, String taskId, String title) {
    ObjectNode cmd = create(agent, taskId, title);
    ObjectNode body = (ObjectNode) cmd.get("body");
    body.put("description", "the description of " + taskId);
    body.put("priority", 2);
    body.set("labels", MAPPER.valueToTree(List.of("backend", "p1")));
    body.set("dependsOn", MAPPER.valueToTree(List.of("T0")));
    ObjectNode fields = body.putObject("fields");
    fields.put("estimate", 3);
    fields.put("component", "core");
    return cmd;
  }

  /** {@code task.update}; {@code expectedVersion} may be null. */
  public static ObjectNode update(
      String agent, String taskId, Long expectedVersion, JsonNode patch) {
    ObjectNode cmd = envelope("task.update", agent);
    if (expectedVersion != null) {
      cmd.put("expectedVersion", expectedVersion);
    }
    ObjectNode body = cmd.putObject("body");
    body.put("taskId", taskId);
    body.set("patch", patch);
    return cmd;
  }

  public static ObjectNode claim(String agent, String taskId) {
    ObjectNode cmd = envelope("task.claim", agent);
    cmd.putObject("body").put("taskId", taskId);
    return cmd;
  }

  public static ObjectNode transition(String agent, String taskId, String to) {
    ObjectNode cmd = envelope("task.transition", agent);
    ObjectNode body = cmd.putObject("body");
    body.put("taskId", taskId);
    body.put("to", to);
    return cmd;
  }

  public static ObjectNode emit(String agent, String name) {
    ObjectNode cmd = envelope("event.emit", agent);
    cmd.putObject("body").put("name", name);
    return cmd;
  }

  /** A patch from a JSON literal, e.g. {@code patch("{\"title\": \"x\"}")}. */
  public static ObjectNode patch(String json) {
    return (ObjectNode) tree(json);
  }

  public static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad test JSON: " + json, e);
    }
  }

  public static ObjectNode withReplyTo(ObjectNode cmd, int partition) {
    cmd.putObject("replyTo").put("partition", partition);
    return cmd;
  }

  public static ObjectNode withExpectedVersion(ObjectNode cmd, long version) {
    cmd.put("expectedVersion", version);
    return cmd;
  }

  public static byte[] bytes(JsonNode cmd) {
    try {
      return MAPPER.writeValueAsBytes(cmd);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] bytes(String raw) {
    return raw.getBytes(StandardCharsets.UTF_8);
  }

  /** The aggregate key a fixture command addresses (its body's task id). */
  public static String keyOf(ObjectNode cmd) {
    return taskKey(cmd.path("body").path("taskId").asText());
  }
}
