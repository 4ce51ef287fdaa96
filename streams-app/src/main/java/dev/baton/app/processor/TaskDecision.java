package dev.baton.app.processor;

import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.Task;

/** What a task rule decided for one command. */
public sealed interface TaskDecision {

  /** The task changed to {@code next}; one event of {@code type} records it. */
  record Applied(Task next, EventType type) implements TaskDecision {}

  /** Accepted, but nothing to change (e.g. claiming a task one already holds). No event. */
  record Unchanged(String message) implements TaskDecision {}

  /** Refused; the task is untouched. */
  record Rejected(OutcomeCode code, String message) implements TaskDecision {}
}
