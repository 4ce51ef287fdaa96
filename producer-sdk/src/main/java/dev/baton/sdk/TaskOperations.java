package dev.baton.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.TaskStatus;
import java.util.concurrent.CompletableFuture;

/**
 * Task commands. Each future completes with the {@code ACCEPTED} outcome (its {@code state} is the
 * task after the change), or exceptionally with {@link BatonRejectedException} (code and current
 * state), {@link BatonTimeoutException}, or {@link dev.baton.sdk.protocol.InvalidCommandException}
 * when the command is invalid before it is even sent.
 */
public interface TaskOperations {
  default CompletableFuture<Outcome> create(NewTask task) {
    return create(task, WriteOptions.NONE);
  }

  /**
   * Creates a task; of {@code options} only {@link WriteOptions#commandId()} applies. To retry an
   * unanswered create safely, give the task an id and reuse the command id: a task without an id
   * gets a new random one each call.
   */
  CompletableFuture<Outcome> create(NewTask task, WriteOptions options);

  /** Applies {@code patch} (title, description, priority, labels, dependsOn, fields). */
  CompletableFuture<Outcome> update(String taskId, ObjectNode patch, WriteOptions options);

  CompletableFuture<Outcome> claim(String taskId, WriteOptions options);

  default CompletableFuture<Outcome> transition(
      String taskId, TaskStatus to, WriteOptions options) {
    return transition(taskId, to, null, options);
  }

  /** Moves the task to {@code to}, with {@code reason} (kept with the change; may be null). */
  CompletableFuture<Outcome> transition(
      String taskId, TaskStatus to, String reason, WriteOptions options);

  default CompletableFuture<Outcome> update(String taskId, long expectedVersion, ObjectNode patch) {
    return update(taskId, patch, WriteOptions.expecting(expectedVersion));
  }

  default CompletableFuture<Outcome> claim(String taskId) {
    return claim(taskId, WriteOptions.NONE);
  }

  default CompletableFuture<Outcome> transition(String taskId, TaskStatus to) {
    return transition(taskId, to, WriteOptions.NONE);
  }
}
