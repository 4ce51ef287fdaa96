package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The typed {@code data} of an {@link Event}, one record per kind of payload; its JSON is exactly
 * the {@code data} that {@code docs/protocol.md} documents for each event type. The topology builds
 * events from these records and its appliers read them back, so no event's data is assembled from
 * string field names.
 */
public sealed interface EventPayload {

  /** {@code task.*}: the task after the change; the JSON is the task itself. */
  record TaskChanged(@JsonValue Task task) implements EventPayload {}

  /**
   * {@code lock.*}: the lock after the change; the JSON is the lock itself. A {@code lock.released}
   * that an admin forced ({@code lock.force_release}) adds one field, {@code forced}: who released,
   * whose grants ended and why.
   *
   * @param lock the lock after the change
   * @param forced what a forced release ended, or null for every other change
   */
  record LockChanged(@JsonValue LockState lock, ForcedRelease forced) implements EventPayload {
    /**
     * Any change but a forced release.
     *
     * @param lock the lock after the change
     */
    public LockChanged(LockState lock) {
      this(lock, null);
    }

    @Override
    public JsonNode toJson() {
      ObjectNode json = Json.mapper().valueToTree(lock);
      if (forced != null) {
        json.set("forced", Json.mapper().valueToTree(forced));
      }
      return json;
    }
  }

  /**
   * {@code data.forced} of a {@code lock.released} an admin forced.
   *
   * @param by the admin who released (also the event's {@code agent})
   * @param holders the grants that ended, as they were
   * @param reason the admin's reason, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"by", "holders", "reason"})
  record ForcedRelease(String by, List<LockState.Holder> holders, String reason) {
    /**
     * A forced release; the holders are copied.
     *
     * @param by the admin who released
     * @param holders the grants that ended
     * @param reason the reason, or null
     */
    public ForcedRelease {
      holders = List.copyOf(holders);
    }
  }

  /** {@code decision.recorded}: the decision; the JSON is the decision itself. */
  record DecisionRecorded(@JsonValue Decision decision) implements EventPayload {}

  /** {@code agent.event}: a free-form event an agent or hook emitted. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"name", "agent", "taskId", "payload"})
  record AgentEvent(String name, String agent, String taskId, JsonNode payload)
      implements EventPayload {}

  /** {@code command.rejected}: why a record was not a readable command, and where it was. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"reason", "topic", "partition", "offset"})
  record CommandRejected(String reason, String topic, Integer partition, Long offset)
      implements EventPayload {}

  /**
   * {@code state.restored} of a task: {@code {"kind": "task", "checkpoint": id, "state": task}}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"kind", "checkpoint", "state"})
  record TaskRestored(String checkpoint, Task state) implements EventPayload {
    /** {@code data.kind} of a {@code state.restored} event that restores a task. */
    public static final String KIND = "task";

    /**
     * {@code data.kind}.
     *
     * @return {@value #KIND}
     */
    @JsonProperty("kind")
    public String kind() {
      return KIND;
    }
  }

  /**
   * {@code state.restored} of a lock: {@code {"kind": "lock", "checkpoint": id, "state": lock}}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"kind", "checkpoint", "state"})
  record LockRestored(String checkpoint, LockState state) implements EventPayload {
    /** {@code data.kind} of a {@code state.restored} event that restores a lock. */
    public static final String KIND = "lock";

    /**
     * {@code data.kind}.
     *
     * @return {@value #KIND}
     */
    @JsonProperty("kind")
    public String kind() {
      return KIND;
    }
  }

  /**
   * This payload as the JSON {@code data} of an event.
   *
   * @return the JSON
   */
  default JsonNode toJson() {
    return Json.mapper().valueToTree(this);
  }

  /**
   * Reads the typed payload of {@code event} (which event types carry which payload is {@code
   * docs/protocol.md}'s table).
   *
   * @param event the event
   * @return its payload
   * @throws IllegalArgumentException when {@code data} does not have the shape of its type's
   *     payload
   */
  static EventPayload of(Event event) {
    JsonNode data = event.data();
    try {
      return switch (event.type()) {
        case TASK_CREATED, TASK_UPDATED, TASK_CLAIMED, TASK_STATUS_CHANGED ->
            new TaskChanged(read(data, Task.class));
        case LOCK_GRANTED,
            LOCK_QUEUED,
            LOCK_RENEWED,
            LOCK_RELEASED,
            LOCK_CANCELLED,
            LOCK_EXPIRED,
            LOCK_WAIT_EXPIRED ->
            new LockChanged(
                read(data, LockState.class),
                data.hasNonNull("forced") ? read(data.get("forced"), ForcedRelease.class) : null);
        case DECISION_RECORDED -> new DecisionRecorded(read(data, Decision.class));
        case AGENT_EVENT ->
            new AgentEvent(
                text(data, "name"), text(data, "agent"), text(data, "taskId"), data.get("payload"));
        case COMMAND_REJECTED ->
            new CommandRejected(
                text(data, "reason"),
                text(data, "topic"),
                data.hasNonNull("partition") ? data.get("partition").intValue() : null,
                data.hasNonNull("offset") ? data.get("offset").longValue() : null);
        case STATE_RESTORED -> restored(data);
      };
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "data of event " + event.id() + " is not a " + event.type().wire() + " payload", e);
    }
  }

  private static EventPayload restored(JsonNode data) throws JsonProcessingException {
    String kind = text(data, "kind");
    String checkpoint = text(data, "checkpoint");
    if (TaskRestored.KIND.equals(kind)) {
      return new TaskRestored(checkpoint, read(data.get("state"), Task.class));
    }
    if (LockRestored.KIND.equals(kind)) {
      return new LockRestored(checkpoint, read(data.get("state"), LockState.class));
    }
    throw new IllegalArgumentException("state.restored of unknown kind '" + kind + "'");
  }

  private static <T> T read(JsonNode data, Class<T> type) throws JsonProcessingException {
    if (!(data instanceof ObjectNode)) {
      throw new IllegalArgumentException("event data must be an object");
    }
    return Json.mapper().treeToValue(data, type);
  }

  private static String text(JsonNode data, String field) {
    JsonNode node = data == null ? null : data.get(field);
    return node == null || node.isNull() ? null : node.asText();
  }
}
