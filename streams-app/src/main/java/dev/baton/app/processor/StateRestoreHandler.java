package dev.baton.app.processor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.state.immutable.LockTable;
import dev.baton.app.state.immutable.TaskState;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.StateRestore;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.EventPayload.LockRestored;
import dev.baton.sdk.protocol.EventPayload.TaskRestored;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.ParsedCommand;
import dev.baton.sdk.protocol.Task;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Admin {@code state.restore}: puts one aggregate key back to the state a checkpoint recorded
 * ({@code baton checkpoint restore <id> --to-kafka} sends one command per key), and appends one
 * audited {@code state.restored} event per aggregate it changes, whose {@code data} is {@code
 * {"kind": "task"|"lock", "checkpoint": id, "state": ...}}.
 *
 * <p>Versions and tokens only move forward, so everything downstream (the version-guarded
 * projection, clients holding old versions, fenced writers) stays correct:
 *
 * <ul>
 *   <li>a restored task gets version {@code max(live, checkpoint) + 1}, and every field's version
 *       becomes that version, so a write based on any earlier version of it is a conflict;
 *   <li>a restored lock gets version {@code max(live, checkpoint) + 1} and {@code lastToken =
 *       max(live, checkpoint)}; it comes back free: leases belong to running agents, not to a
 *       checkpoint. Live holders lose the lock (their next renew is {@code NOT_HOLDER}, their stale
 *       tokens are fenced) and live waiters are told {@code REJECTED/CANCELLED}.
 * </ul>
 *
 * Decisions are not restored: the log of decisions only grows. The restored lock's lease and wait
 * entries go with its holders and waiters when the {@code state.restored} event is applied.
 */
public final class StateRestoreHandler implements CommandHandler {
  private final TaskState tasks;
  private final LockTable locks;

  public StateRestoreHandler(TaskState tasks, LockTable locks) {
    this.tasks = tasks;
    this.locks = locks;
  }

  @Override
  public Verdict handle(ParsedCommand.Valid valid, Instant now) {
    Command cmd = valid.command();
    StateRestore body = (StateRestore) valid.body();
    String key = valid.key();
    Verdict.Builder out = Verdict.forCommand(cmd.id());
    ObjectNode state = Json.mapper().createObjectNode();
    Long version = null;
    // Check everything before writing anything: a rejection must change nothing.
    if (body.task() != null) {
      checkWorkspace(cmd, body.task().workspace(), "task");
      if (!AggregateKeys.task(cmd.workspace(), body.task().id()).equals(key)) {
        throw new InvalidCommandException(
            "task " + body.task().id() + " does not live under key " + key);
      }
    }
    if (body.lock() != null) {
      checkWorkspace(cmd, body.lock().workspace(), "lock");
      if (!AggregateKeys.lock(cmd.workspace(), body.lock().resource()).equals(key)) {
        throw new InvalidCommandException(
            "lock " + body.lock().resource() + " does not live under key " + key);
      }
    }
    if (body.task() != null) {
      Task restored = restoreTask(cmd, key, body.task(), now);
      out.event(
          EventType.STATE_RESTORED,
          key,
          restored.version(),
          cmd.agent(),
          new TaskRestored(body.checkpoint(), restored));
      state.set("task", Json.mapper().valueToTree(restored));
      version = restored.version();
    }
    if (body.lock() != null) {
      LockState live = locks.get(key);
      LockState restored = restoreLock(cmd, key, body.lock(), live, now);
      out.event(
          EventType.STATE_RESTORED,
          key,
          restored.version(),
          cmd.agent(),
          new LockRestored(body.checkpoint(), restored));
      state.set("lock", Json.mapper().valueToTree(restored));
      version = version == null ? restored.version() : version;
      cancelWaiters(live, cmd, key, restored, now, out);
    }
    out.answer(
        Outcome.accepted(
            cmd,
            key,
            version,
            state,
            "restored from checkpoint " + (body.checkpoint() == null ? "?" : body.checkpoint()),
            now),
        cmd.replyTo());
    return out.build();
  }

  private Task restoreTask(Command cmd, String key, Task from, Instant now) {
    Task live = tasks.get(key);
    long version = Math.max(live == null ? 0 : live.version(), from.version()) + 1;
    Map<String, Long> fieldVersions = new TreeMap<>();
    for (String f :
        List.of(
            "title",
            "description",
            "priority",
            "labels",
            "dependsOn",
            TaskRules.STATUS,
            TaskRules.ASSIGNEE)) {
      fieldVersions.put(f, version);
    }
    if (from.fieldVersions() != null) {
      from.fieldVersions().keySet().forEach(f -> fieldVersions.put(f, version));
    }
    if (live != null && live.fieldVersions() != null) {
      live.fieldVersions().keySet().forEach(f -> fieldVersions.put(f, version));
    }
    ObjectNode fields = from.fields() == null ? Json.mapper().createObjectNode() : from.fields();
    fields.fieldNames().forEachRemaining(name -> fieldVersions.put("fields." + name, version));
    return new Task(
        from.id(),
        cmd.workspace(),
        from.title(),
        from.description(),
        from.status(),
        from.assignee(),
        from.priority(),
        from.labels() == null ? List.of() : List.copyOf(from.labels()),
        from.dependsOn() == null ? List.of() : List.copyOf(from.dependsOn()),
        fields,
        version,
        from.createdBy(),
        from.createdAt(),
        cmd.agent(),
        now,
        fieldVersions);
  }

  private static LockState restoreLock(
      Command cmd, String key, LockState from, LockState live, Instant now) {
    long liveVersion = live == null ? 0 : live.version();
    long liveToken = live == null ? 0 : live.lastToken();
    return new LockState(
        from.resource(),
        cmd.workspace(),
        key,
        List.of(),
        List.of(),
        Math.max(liveToken, from.lastToken()),
        Math.max(liveVersion, from.version()) + 1,
        now,
        List.of());
  }

  /** Tells each live waiter that its request is gone; the restored lock has no queue. */
  private static void cancelWaiters(
      LockState live,
      Command cmd,
      String key,
      LockState restored,
      Instant now,
      Verdict.Builder out) {
    if (live == null || live.queue() == null) {
      return;
    }
    for (LockState.Waiter w : live.queue()) {
      out.later(
          Outcome.lockRejected(
              w.requestId(),
              CommandType.LOCK_ACQUIRE,
              restored,
              OutcomeCode.CANCELLED,
              "lock " + key + " was reset by state.restore (" + cmd.id() + ")",
              now),
          w.replyTo());
    }
  }

  private static void checkWorkspace(Command cmd, String workspace, String what) {
    if (workspace != null && !workspace.equals(cmd.workspace())) {
      throw new InvalidCommandException(
          what + " belongs to workspace " + workspace + ", the command to " + cmd.workspace());
    }
  }
}
