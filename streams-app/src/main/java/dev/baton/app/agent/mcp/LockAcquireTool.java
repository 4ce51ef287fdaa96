package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.agent.AgentSettings;
import dev.baton.app.state.LockQueries;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeStatus;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code lock_acquire}: asks for a lock and waits at most {@code waitMs} (50 s) in the queue,
 * reporting its queue position as progress, then answers {@code GRANTED} with the fencing token.
 * With {@code queue: true} it answers at once, {@code GRANTED} or {@code QUEUED} with the position,
 * and the request keeps its place for {@code waitMs}; {@code lock_release} leaves the queue.
 */
final class LockAcquireTool implements McpTool {
  /** How often the position is read while waiting, to report it when it changes. */
  static final Duration POSITION_POLL = Duration.ofMillis(500);

  private final BatonClient client;
  private final LockQueries locks;

  LockAcquireTool(BatonClient client, LockQueries locks) {
    this.client = client;
    this.locks = locks;
  }

  @Override
  public String name() {
    return "lock_acquire";
  }

  @Override
  public String description() {
    return "Lock file/<path> or task/<id>. Waits up to waitMs (max 50000) in a FIFO queue;"
        + " GRANTED gives a fencing token. Renew before leaseMs runs out.";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{\"resource\":{\"type\":\"string\"},"
        + "\"mode\":{\"type\":\"string\",\"enum\":[\"EXCLUSIVE\",\"COLLABORATIVE\"],"
        + "\"default\":\"EXCLUSIVE\"},"
        + "\"leaseMs\":{\"type\":\"integer\",\"minimum\":1},"
        + "\"waitMs\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":"
        + AgentSettings.MAX_AGENT_WAIT.toMillis()
        + ",\"default\":0},"
        + "\"queue\":{\"type\":\"boolean\",\"description\":\"answer QUEUED at once, keep the"
        + " place for waitMs\"}},"
        + "\"required\":[\"resource\"],\"additionalProperties\":false}";
  }

  @Override
  public JsonNode call(ToolCall call) {
    ToolArgs args = call.args().only(Set.of("resource", "mode", "leaseMs", "waitMs", "queue"));
    String resource = LockCommands.resource(name(), args.string("resource"));
    LockMode mode = args.optEnum("mode", LockMode.class);
    Long leaseMs = args.optLong("leaseMs", 1, Long.MAX_VALUE);
    Long waitArg = args.optLong("waitMs", 0, AgentSettings.MAX_AGENT_WAIT.toMillis());
    long waitMs = waitArg == null ? 0 : waitArg;
    boolean queue = args.flag("queue");
    AtomicInteger position = new AtomicInteger();
    CompletableFuture<Outcome> firstQueued = new CompletableFuture<>();
    CompletableFuture<Outcome> done =
        client
            .as(call.agent(), call.workspace())
            .submit(
                CommandType.LOCK_ACQUIRE,
                LockCommands.acquireBody(
                    resource, mode == null ? LockMode.EXCLUSIVE : mode, leaseMs, waitMs),
                WriteOptions.NONE,
                queued -> {
                  if (queued.position() != null) {
                    position.set(queued.position());
                  }
                  firstQueued.complete(queued);
                },
                Duration.ofMillis(waitMs));
    if (queue) {
      Outcome first = await(CompletableFuture.anyOf(done, firstQueued).thenApply(o -> (Outcome) o));
      if (first.status() == OutcomeStatus.QUEUED) {
        return LockCommands.result(resource, first);
      }
      return granted(resource, first);
    }
    return granted(resource, waitReportingPosition(call, resource, done, position));
  }

  private JsonNode granted(String resource, Outcome outcome) {
    if (!outcome.isSuccess()) {
      throw Compact.rejected(outcome);
    }
    return LockCommands.result(resource, outcome);
  }

  /** Waits for the final outcome, sending a progress note whenever the queue position changes. */
  private Outcome waitReportingPosition(
      ToolCall call, String resource, CompletableFuture<Outcome> done, AtomicInteger position) {
    int reported = 0;
    while (true) {
      try {
        return done.get(POSITION_POLL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        LockState lock = LockCommands.current(locks, call.workspace(), resource);
        int now = lock == null ? position.get() : LockCommands.positionOf(lock, call.agent());
        if (now > 0 && now != reported) {
          reported = now;
          call.progress(
              "waiting for "
                  + resource
                  + ": position "
                  + now
                  + (lock == null || lock.holders().isEmpty()
                      ? ""
                      : ", held by " + lock.holders().get(0).agent()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ToolFailure("CANCELLED", "the call was interrupted", null);
      } catch (ExecutionException e) {
        throw Compact.failure(e);
      }
    }
  }

  private static Outcome await(CompletableFuture<Outcome> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailure("CANCELLED", "the call was interrupted", null);
    } catch (ExecutionException e) {
      throw Compact.failure(e);
    }
  }
}
