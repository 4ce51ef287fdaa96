package dev.baton.app.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.TaskClaim;
import dev.baton.sdk.protocol.CommandBodies.TaskCreate;
import dev.baton.sdk.protocol.CommandBodies.TaskTransition;
import dev.baton.sdk.protocol.CommandBodies.TaskUpdate;
import dev.baton.sdk.protocol.CommandBodies.TaskWrite;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.ParsedCommand;
import dev.baton.sdk.protocol.Task;
import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies {@code task.*} commands to the {@code tasks} store through {@link TaskRules}, with the
 * lock checks of {@link TaskWriteGuard} before and, for an accepted write that asks for it, the
 * release of its fenced lock after.
 */
public final class TaskHandler implements CommandHandler {
  private final KeyValueStore<String, Task> tasks;
  private final TaskWriteGuard guard;

  public TaskHandler(KeyValueStore<String, Task> tasks, TaskWriteGuard guard) {
    this.tasks = tasks;
    this.guard = guard;
  }

  @Override
  public void handle(ParsedCommand.Valid valid, Emitter out) {
    Command cmd = valid.command();
    String key = valid.key();
    Instant now = out.now();
    Task current = tasks.get(key);
    TaskDecision decision = guard.check(cmd, key, now.toEpochMilli());
    if (decision == null) {
      decision = decide(current, cmd, valid.body(), now);
    }
    boolean release = valid.body() instanceof TaskWrite write && write.releasesLock();
    if (decision instanceof TaskDecision.Applied applied) {
      Task next = applied.next();
      tasks.put(key, next);
      out.event(applied.type(), key, next.version(), cmd.agent(), cmd.id(), json(next));
      Outcome accepted =
          Outcome.accepted(
              cmd, key, next.version(), json(next), withRelease("ok", cmd, release), now);
      answer(cmd, key, accepted, release, out);
    } else if (decision instanceof TaskDecision.Unchanged unchanged) {
      Outcome accepted =
          Outcome.accepted(
              cmd,
              key,
              current.version(),
              json(current),
              withRelease(unchanged.message(), cmd, release),
              now);
      answer(cmd, key, accepted, release, out);
    } else if (decision instanceof TaskDecision.Rejected rejected) {
      out.outcome(
          Outcome.rejected(
              cmd.id(),
              cmd.type(),
              key,
              rejected.code(),
              rejected.message(),
              current == null ? null : current.version(),
              current == null ? null : json(current),
              now),
          cmd.replyTo());
    }
  }

  /**
   * Emits the outcome of an accepted write; with {@code release} the fenced grant goes in the same
   * step, its events after the task's and the outcome between (see {@link
   * TaskWriteGuard#releaseFenced}). A rejected write never gets here, so it releases nothing.
   */
  private void answer(Command cmd, String key, Outcome accepted, boolean release, Emitter out) {
    if (release) {
      guard.releaseFenced(cmd, key, out, () -> out.outcome(accepted, cmd.replyTo()));
    } else {
      out.outcome(accepted, cmd.replyTo());
    }
  }

  private static String withRelease(String message, Command cmd, boolean release) {
    return release
        ? message
            + "; released lock "
            + cmd.fence().resource()
            + " (token "
            + cmd.fence().token()
            + ")"
        : message;
  }

  private static TaskDecision decide(Task current, Command cmd, Object body, Instant now) {
    if (body instanceof TaskCreate create) {
      return TaskRules.create(current, cmd, create, now);
    }
    if (body instanceof TaskUpdate update) {
      return TaskRules.update(current, cmd, update, now);
    }
    if (body instanceof TaskClaim claim) {
      return TaskRules.claim(current, cmd, claim, now);
    }
    if (body instanceof TaskTransition transition) {
      return TaskRules.transition(current, cmd, transition, now);
    }
    throw new IllegalArgumentException("not a task command: " + cmd.type());
  }

  private static JsonNode json(Task task) {
    return Json.mapper().valueToTree(task);
  }
}
