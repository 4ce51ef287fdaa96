package dev.baton.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Task commands. Each future completes with the {@code ACCEPTED} outcome (its {@code state} is the
 * task after the change), or exceptionally with {@link BatonRejectedException} (code and current
 * state), {@link BatonTimeoutException}, or {@link dev.baton.sdk.protocol.InvalidCommandException}
 * when the command is invalid before it is even sent.
 */
public interface TaskOperations {

  /**
   * Reads a task of this client's workspace through the HTTP API ({@link
   * BatonClient.Builder#httpServer}).
   *
   * @param taskId the task
   * @return the task, or empty when it does not exist
   */
  CompletableFuture<Optional<Task>> get(String taskId);

  /**
   * Lists tasks of this client's workspace through the HTTP API ({@link
   * BatonClient.Builder#httpServer}), a page at a time.
   *
   * @param query which tasks, and which page
   * @return the page
   */
  CompletableFuture<TaskPage> list(TaskQuery query);

  /**
   * Creates a task with a fresh command id.
   *
   * @param task the task
   * @return the accepted outcome, its state the new task
   */
  default CompletableFuture<Outcome> create(NewTask task) {
    return create(task, WriteOptions.NONE);
  }

  /**
   * Creates a task; of {@code options} only {@link WriteOptions#commandId()} applies. To retry an
   * unanswered create safely, give the task an id and reuse the command id: a task without an id
   * gets a new random one each call.
   *
   * @param task the task
   * @param options the command id, or null
   * @return the accepted outcome, its state the new task
   */
  CompletableFuture<Outcome> create(NewTask task, WriteOptions options);

  /**
   * Applies {@code patch} (title, description, priority, labels, dependsOn, fields).
   *
   * @param taskId the task
   * @param patch the fields to change
   * @param options expected version, fence, command id, release; or null
   * @return the accepted outcome, its state the task after the change
   */
  CompletableFuture<Outcome> update(String taskId, ObjectNode patch, WriteOptions options);

  /**
   * Claims an {@code OPEN} task for this client's agent, atomically.
   *
   * @param taskId the task
   * @param options expected version, fence, command id, release; or null
   * @return the accepted outcome
   */
  CompletableFuture<Outcome> claim(String taskId, WriteOptions options);

  /**
   * Moves a task along its state machine.
   *
   * @param taskId the task
   * @param to the new status
   * @param options expected version, fence, command id, release; or null
   * @return the accepted outcome
   */
  default CompletableFuture<Outcome> transition(
      String taskId, TaskStatus to, WriteOptions options) {
    return transition(taskId, to, null, options);
  }

  /**
   * Moves a task along its state machine, with a reason kept with the change.
   *
   * @param taskId the task
   * @param to the new status
   * @param reason why (kept with the change); may be null
   * @param options expected version, fence, command id, release; or null
   * @return the accepted outcome
   */
  CompletableFuture<Outcome> transition(
      String taskId, TaskStatus to, String reason, WriteOptions options);

  /**
   * Updates, guarded by the version the patch was made against.
   *
   * @param taskId the task
   * @param expectedVersion the version the patch was made against
   * @param patch the fields to change
   * @return the accepted outcome
   */
  default CompletableFuture<Outcome> update(String taskId, long expectedVersion, ObjectNode patch) {
    return update(taskId, patch, WriteOptions.expecting(expectedVersion));
  }

  /**
   * Claims without guards.
   *
   * @param taskId the task
   * @return the accepted outcome
   */
  default CompletableFuture<Outcome> claim(String taskId) {
    return claim(taskId, WriteOptions.NONE);
  }

  /**
   * Transitions without guards.
   *
   * @param taskId the task
   * @param to the new status
   * @return the accepted outcome
   */
  default CompletableFuture<Outcome> transition(String taskId, TaskStatus to) {
    return transition(taskId, to, WriteOptions.NONE);
  }
}
