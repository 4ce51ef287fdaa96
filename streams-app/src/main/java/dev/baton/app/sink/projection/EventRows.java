package dev.baton.app.sink.projection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import java.util.Optional;

/**
 * Which events change the projection, and into what row.
 *
 * <ul>
 *   <li>{@code task.*}: the task in {@code data}, at the event's version;
 *   <li>{@code lock.*}: the lock in {@code data}, at the lock's own version (a task and the lock on
 *       it share a key; the type prefix tells them apart);
 *   <li>{@code decision.recorded}: the decision, keyed by workspace and number;
 *   <li>{@code state.restored}: {@code data.state} as a task or lock row, by {@code data.kind};
 *   <li>{@code agent.event} and {@code command.rejected} are not projected: they carry no state,
 *       grow without bound and stay readable in the audit log.
 * </ul>
 *
 * An event whose data lacks what its row needs is not projected ({@link #rowOf} returns empty), so
 * a malformed record never stops the sink. This is the one table of event types for the projection
 * and everything read from it ({@code state.json}, {@code decisions.md}, checkpoints, {@code
 * verify}): {@link #rowOf} switches over every {@link EventType} without a default, so a new event
 * type does not compile until it is given a row here.
 */
public final class EventRows {
  /** {@code data.kind} of a {@code state.restored} event that restores a task. */
  public static final String RESTORED_TASK = "task";

  /** {@code data.kind} of a {@code state.restored} event that restores a lock. */
  public static final String RESTORED_LOCK = "lock";

  private EventRows() {}

  /** The row {@code event}, read at {@code partition}/{@code offset}, puts in the projection. */
  public static Optional<ProjectionRow> rowOf(Event event, int partition, long offset) {
    if (event == null || event.type() == null || event.key() == null || event.data() == null) {
      return Optional.empty();
    }
    return switch (event.type()) {
      case TASK_CREATED, TASK_UPDATED, TASK_CLAIMED, TASK_STATUS_CHANGED ->
          versioned(RowKind.TASK, event.key(), event.data(), partition, offset);
      case LOCK_GRANTED,
          LOCK_QUEUED,
          LOCK_RENEWED,
          LOCK_RELEASED,
          LOCK_CANCELLED,
          LOCK_EXPIRED,
          LOCK_WAIT_EXPIRED ->
          versioned(RowKind.LOCK, event.key(), event.data(), partition, offset);
      case DECISION_RECORDED -> decision(event.data(), partition, offset);
      case STATE_RESTORED -> restored(event, partition, offset);
      case AGENT_EVENT, COMMAND_REJECTED -> Optional.empty();
    };
  }

  private static Optional<ProjectionRow> restored(Event event, int partition, long offset) {
    String kind = event.data().path("kind").asText("");
    JsonNode state = event.data().get("state");
    if (RESTORED_TASK.equals(kind)) {
      return versioned(RowKind.TASK, event.key(), state, partition, offset);
    }
    if (RESTORED_LOCK.equals(kind)) {
      return versioned(RowKind.LOCK, event.key(), state, partition, offset);
    }
    return Optional.empty();
  }

  /** The key of decision {@code number} of {@code workspace}. */
  public static String decisionKey(String workspace, long number) {
    return AggregateKeys.decisions(workspace) + "/" + number;
  }

  private static Optional<ProjectionRow> versioned(
      RowKind kind, String key, JsonNode data, int partition, long offset) {
    if (data == null || !data.isObject() || !data.path("version").canConvertToLong()) {
      return Optional.empty();
    }
    if (kind == RowKind.TASK && !data.path("id").isTextual()) {
      return Optional.empty();
    }
    if (kind == RowKind.LOCK && !data.path("resource").isTextual()) {
      return Optional.empty();
    }
    return Optional.of(
        new ProjectionRow(kind, key, data.get("version").asLong(), partition, offset, data));
  }

  private static Optional<ProjectionRow> decision(JsonNode data, int partition, long offset) {
    if (!data.isObject()
        || !data.path("workspace").isTextual()
        || !data.path("number").canConvertToLong()
        || data.path("number").asLong() < 1) {
      return Optional.empty();
    }
    long number = data.get("number").asLong();
    String key = decisionKey(data.get("workspace").asText(), number);
    return Optional.of(new ProjectionRow(RowKind.DECISION, key, number, partition, offset, data));
  }
}
