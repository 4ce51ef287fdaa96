package dev.baton.app.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.state.immutable.LockTable;
import dev.baton.app.state.immutable.TaskState;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.TaskClaim;
import dev.baton.sdk.protocol.CommandBodies.TaskCreate;
import dev.baton.sdk.protocol.CommandBodies.TaskTransition;
import dev.baton.sdk.protocol.CommandBodies.TaskUpdate;
import dev.baton.sdk.protocol.CommandBodies.TaskWrite;
import dev.baton.sdk.protocol.EventPayload.TaskChanged;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.ParsedCommand;
import dev.baton.sdk.protocol.Task;
import java.time.Instant;

/**
 * The {@code task.*} commands: the lock checks of {@link LockRules#checkTaskWrite} first, then the
 * task rules ({@link TaskRules}), and for an accepted write that asks for it ({@code release}) the
 * release of its fenced lock after.
 */
public final class TaskHandler {
  private final TaskState tasks;
  private final LockTable locks;

  public TaskHandler(TaskState tasks, LockTable locks) {
    this.tasks = tasks;
    this.locks = locks;
  }

  /** A rule of {@link TaskRules}: current task, command, body and time in, decision out. */
  @FunctionalInterface
  private interface Rule<B> {
    TaskDecision decide(Task current, Command cmd, B body, Instant now);
  }

  public Verdict create(ParsedCommand.Valid valid, Instant now) {
    return handle(valid, now, (TaskCreate) valid.body(), TaskRules::create);
  }

  public Verdict update(ParsedCommand.Valid valid, Instant now) {
    return handle(valid, now, (TaskUpdate) valid.body(), TaskRules::update);
  }

  public Verdict claim(ParsedCommand.Valid valid, Instant now) {
    return handle(valid, now, (TaskClaim) valid.body(), TaskRules::claim);
  }

  public Verdict transition(ParsedCommand.Valid valid, Instant now) {
    return handle(valid, now, (TaskTransition) valid.body(), TaskRules::transition);
  }

  private <B> Verdict handle(ParsedCommand.Valid valid, Instant now, B body, Rule<B> rule) {
    Command cmd = valid.command();
    String key = valid.key();
    Task current = tasks.get(key);
    LockState lock = locks.get(key);
    TaskDecision decision = LockRules.checkTaskWrite(lock, cmd, key);
    if (decision == null) {
      decision = rule.decide(current, cmd, body, now);
    }
    boolean release = body instanceof TaskWrite write && write.releasesLock();
    Verdict.Builder out = Verdict.forCommand(cmd.id());
    if (decision instanceof TaskDecision.Applied applied) {
      Task next = applied.next();
      out.event(applied.type(), key, next.version(), cmd.agent(), new TaskChanged(next));
      Outcome accepted =
          Outcome.accepted(
              cmd, key, next.version(), json(next), withRelease("ok", cmd, release), now);
      answer(out, lock, cmd, now, release, accepted);
    } else if (decision instanceof TaskDecision.Unchanged unchanged) {
      String message = withRelease(unchanged.message(), cmd, release);
      Outcome accepted = Outcome.accepted(cmd, key, current.version(), json(current), message, now);
      answer(out, lock, cmd, now, release, accepted);
    } else {
      // A rejected write releases nothing.
      TaskDecision.Rejected rejected = (TaskDecision.Rejected) decision;
      out.answer(
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
    return out.build();
  }

  /**
   * The outcome of an accepted write; with {@code release} the fenced grant goes in the same step,
   * its events after the task's (see {@link LockRules#releaseFenced}).
   */
  private static void answer(
      Verdict.Builder out,
      LockState lock,
      Command cmd,
      Instant now,
      boolean release,
      Outcome accepted) {
    if (release) {
      LockRules.releaseFenced(lock, cmd, now, out, accepted);
    } else {
      out.answer(accepted, cmd.replyTo());
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

  private static JsonNode json(Task task) {
    return Json.mapper().valueToTree(task);
  }
}
