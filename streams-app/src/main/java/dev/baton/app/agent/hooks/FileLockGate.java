package dev.baton.app.agent.hooks;

import dev.baton.app.agent.AgentSettings;
import dev.baton.app.agent.mcp.LockCommands;
import dev.baton.app.state.AgentHoldings;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the exclusive lock on a file before an agent edits it, for every hook endpoint. The first
 * edit of a file acquires {@code file/<path>} with the hook lease; each later edit by the same
 * agent acquires again, which the topology answers by extending the lease and keeping the token. A
 * lock held by another agent is waited for up to the hook wait, then the edit is denied with a
 * reason naming the holder, the holder's task and the queue. Any failure to decide denies: the hook
 * fails closed.
 */
final class FileLockGate {
  private static final Logger LOG = LoggerFactory.getLogger(FileLockGate.class);

  /** What a hook answers. */
  sealed interface Verdict permits Granted, Denied {}

  record Granted(String resource, long token) implements Verdict {}

  /**
   * @param code the outcome code ({@code LOCKED}, {@code EXPIRED}) or {@code INVALID}, {@code
   *     UNAVAILABLE}
   */
  record Denied(String code, String reason) implements Verdict {}

  private final BatonClient client;
  private final TaskQueries tasks;
  private final AgentSettings settings;
  private final Executor answers;

  FileLockGate(BatonClient client, TaskQueries tasks, AgentSettings settings, Executor answers) {
    this.client = client;
    this.tasks = tasks;
    this.settings = settings;
    this.answers = answers;
  }

  /**
   * Locks every target in order, stopping at the first one that is denied (the ones granted before
   * stay held: the agent will retry the same edit).
   */
  CompletableFuture<Verdict> acquireAll(
      String agent, String workspace, List<EditTarget> targets, Duration wait) {
    CompletableFuture<Verdict> chain = CompletableFuture.completedFuture(null);
    for (EditTarget target : targets) {
      chain =
          chain.thenCompose(
              previous ->
                  previous instanceof Denied
                      ? CompletableFuture.completedFuture(previous)
                      : acquire(agent, workspace, target, wait));
    }
    return chain;
  }

  CompletableFuture<Verdict> acquire(
      String agent, String workspace, EditTarget target, Duration wait) {
    AtomicInteger position = new AtomicInteger();
    CompletableFuture<Outcome> done;
    try {
      done =
          client
              .as(agent, workspace)
              .submit(
                  CommandType.LOCK_ACQUIRE,
                  LockCommands.acquireBody(
                      target.resource(),
                      LockMode.EXCLUSIVE,
                      settings.hookLease().toMillis(),
                      wait.toMillis()),
                  WriteOptions.NONE,
                  queued -> {
                    if (queued.position() != null) {
                      position.set(queued.position());
                    }
                  },
                  wait);
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    return done.handleAsync(
        (outcome, failure) -> {
          if (failure == null && outcome.isSuccess() && outcome.token() != null) {
            return new Granted(target.resource(), outcome.token());
          }
          Outcome rejected = outcome;
          Throwable cause = unwrap(failure);
          if (cause instanceof BatonRejectedException r) {
            rejected = r.outcome();
          } else if (failure != null) {
            LOG.warn(
                "hook could not lock {} for {}: {}", target.resource(), agent, cause.toString());
            return new Denied(
                "UNAVAILABLE",
                "baton could not decide on "
                    + target.relative()
                    + " ("
                    + cause.getMessage()
                    + "); the edit is blocked until Baton answers, retry shortly");
          }
          return denied(workspace, agent, target, rejected, position.get(), wait);
        },
        answers);
  }

  /**
   * Releases every lock {@code agent} holds in {@code workspace} and leaves every queue it waits
   * in, however they were taken (hooks on any node, MCP, CLI, SDK), as found in the lock stores of
   * every node: a session's end. A request found waiting that is granted before its cancel arrives
   * is released instead. Returns how many locks and requests were let go; one already gone
   * (released, expired, passed on) is not counted. {@code found} is what the agent holds and waits
   * for on every node ({@link dev.baton.app.agent.AgentLookup}).
   */
  CompletableFuture<Integer> releaseAll(
      String agent, String workspace, AgentHoldings.Holdings found) {
    BatonClient as = client.as(agent, workspace);
    List<CompletableFuture<Boolean>> done = new ArrayList<>();
    for (AgentHoldings.Held held : found.held()) {
      done.add(letGo(as, CommandType.LOCK_RELEASE, held.resource()));
    }
    for (AgentHoldings.Waiting waiting : found.waiting()) {
      done.add(
          letGo(as, CommandType.LOCK_CANCEL, waiting.resource())
              .thenCompose(
                  cancelled ->
                      cancelled
                          ? CompletableFuture.completedFuture(true)
                          : letGo(as, CommandType.LOCK_RELEASE, waiting.resource())));
    }
    return CompletableFuture.allOf(done.toArray(CompletableFuture<?>[]::new))
        .thenApply(all -> (int) done.stream().filter(CompletableFuture::join).count());
  }

  /** Sends a release or cancel; true when it was accepted. */
  private static CompletableFuture<Boolean> letGo(
      BatonClient as, CommandType type, String resource) {
    try {
      return as.submit(type, LockCommands.resourceBody(resource, null), WriteOptions.NONE)
          .thenApply(Outcome::isSuccess)
          .exceptionally(
              e -> {
                LOG.debug("{} of {} not applied: {}", type, resource, unwrap(e).toString());
                return false;
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Denied denied(
      String workspace,
      String agent,
      EditTarget target,
      Outcome outcome,
      int position,
      Duration wait) {
    OutcomeCode code = outcome.code() == null ? OutcomeCode.INTERNAL_ERROR : outcome.code();
    if (code != OutcomeCode.LOCKED && code != OutcomeCode.EXPIRED) {
      return new Denied(
          code.name(), "baton refused to lock " + target.relative() + ": " + outcome.message());
    }
    LockState lock = null;
    if (outcome.state() != null) {
      try {
        lock = dev.baton.sdk.protocol.Json.mapper().treeToValue(outcome.state(), LockState.class);
      } catch (Exception e) {
        lock = null;
      }
    }
    StringBuilder reason = new StringBuilder("baton: ").append(target.relative());
    if (lock == null || lock.holders().isEmpty()) {
      reason.append(" is locked by another agent");
    } else {
      LockState.Holder holder = lock.holders().get(0);
      reason.append(" is locked by ").append(holder.agent());
      String task = taskOf(workspace, holder.agent());
      if (task != null) {
        reason.append(" (").append(task).append(")");
      }
      reason.append(", lease until ").append(holder.leaseDeadline());
    }
    int waiting = lock == null ? 0 : lock.queue().size();
    if (code == OutcomeCode.EXPIRED) {
      reason
          .append("; you waited ")
          .append(wait.toMillis())
          .append(" ms at queue position ")
          .append(position == 0 ? 1 : position)
          .append(" and left the queue");
    } else if (waiting > 0) {
      reason.append("; ").append(waiting).append(" waiting before you");
    }
    reason.append(". Edit other files or retry later; don't work around the lock.");
    return new Denied(code.name(), reason.toString());
  }

  /** The task the holder works on, as {@code task ID "title" STATUS}, or null. */
  private String taskOf(String workspace, String holder) {
    try {
      for (TaskStatus status : List.of(TaskStatus.IN_PROGRESS, TaskStatus.CLAIMED)) {
        List<Task> found =
            tasks.list(new TaskQueries.Filter(workspace, status, holder), null, 1).tasks();
        if (!found.isEmpty()) {
          Task t = found.get(0);
          return "task " + t.id() + " \"" + t.title() + "\" " + t.status();
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("cannot read the tasks of {}: {}", holder, e.toString());
    }
    return null;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable e = failure;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
