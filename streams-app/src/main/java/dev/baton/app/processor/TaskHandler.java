package dev.baton.app.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.TaskClaim;
import dev.baton.sdk.protocol.CommandBodies.TaskCreate;
import dev.baton.sdk.protocol.CommandBodies.TaskTransition;
import dev.baton.sdk.protocol.CommandBodies.TaskUpdate;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.ParsedCommand;
import dev.baton.sdk.protocol.Task;
import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueStore;

/** Applies {@code task.*} commands to the {@code tasks} store through {@link TaskRules}. */
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
    if (decision instanceof TaskDecision.Applied applied) {
      Task next = applied.next();
      tasks.put(key, next);
      out.event(applied.type(), key, next.version(), cmd.agent(), cmd.id(), json(next));
      out.outcome(Outcome.accepted(cmd, key, next.version(), json(next), now), cmd.replyTo());
    } else if (decision instanceof TaskDecision.Unchanged unchanged) {
      out.outcome(
          Outcome.accepted(cmd, key, current.version(), json(current), unchanged.message(), now),
          cmd.replyTo());
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
