package dev.baton.app.state.appliers;

import dev.baton.app.state.immutable.ProcessingState;
import dev.baton.app.state.mutable.StagedProcessingState;
import dev.baton.sdk.protocol.EventPayload;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One applier per event type (an exhaustive {@code switch}: a new type without one does not
 * compile), and the all-or-nothing application of one command's events: every write is staged and
 * reaches the stores only when every event applied.
 */
public final class EventAppliers {
  private final StagedProcessingState state;
  private final Map<EventType, EventApplier> appliers = new EnumMap<>(EventType.class);

  private EventAppliers(StagedProcessingState state) {
    this.state = state;
    EventApplier tasks = new TaskChangedApplier(state.tasks());
    EventApplier locks = new LockChangedApplier(state.locks());
    EventApplier decisions = new DecisionRecordedApplier(state.decisionHeads());
    EventApplier restores = new StateRestoredApplier(state);
    EventApplier none = (key, payload) -> {};
    for (EventType type : EventType.values()) {
      appliers.put(
          type,
          switch (type) {
            case TASK_CREATED, TASK_UPDATED, TASK_CLAIMED, TASK_STATUS_CHANGED -> tasks;
            case LOCK_GRANTED,
                LOCK_QUEUED,
                LOCK_RENEWED,
                LOCK_RELEASED,
                LOCK_CANCELLED,
                LOCK_EXPIRED,
                LOCK_WAIT_EXPIRED ->
                locks;
            case DECISION_RECORDED -> decisions;
            case STATE_RESTORED -> restores;
            // The log records these; they change no state.
            case AGENT_EVENT, COMMAND_REJECTED -> none;
          });
    }
  }

  /** The appliers over the processor's stores. */
  public static EventAppliers over(
      KeyValueStore<String, Task> tasks,
      KeyValueStore<String, LockState> locks,
      KeyValueStore<String, Integer> decisionHeads,
      KeyValueStore<String, String> deadlines) {
    return new EventAppliers(new StagedProcessingState(tasks, locks, decisionHeads, deadlines));
  }

  /** The read-only view of the same stores, for the handlers. */
  public ProcessingState state() {
    return state;
  }

  /** One event to apply: its type, aggregate key and payload. */
  public record Applicable(EventType type, String key, EventPayload payload) {}

  /**
   * Applies {@code events} in order, all or nothing: when an applier throws, nothing of the batch
   * reaches the stores and the exception propagates.
   */
  public void applyAll(List<Applicable> events) {
    try {
      for (Applicable event : events) {
        appliers.get(event.type()).apply(event.key(), event.payload());
      }
    } catch (RuntimeException e) {
      state.discard();
      throw e;
    }
    state.commit();
  }
}
