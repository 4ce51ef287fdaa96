package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.state.LockQueries;
import dev.baton.sdk.protocol.CommandBodies;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Names;
import dev.baton.sdk.protocol.Outcome;

/**
 * Lock commands of the agent surfaces. They go out raw through {@code BatonClient.submit}, like the
 * HTTP gateway's: the SDK's lock operations renew every grant on their own, and a remote agent's
 * lease must run out when the agent is gone. An agent renews with {@code lock_renew}.
 */
public final class LockCommands {
  private LockCommands() {}

  /** A resource argument: a file as {@code file/<path>} or a task as {@code task/<id>}. */
  static String resource(String tool, String value) {
    try {
      Names.checkResource("resource", value);
      if (value.startsWith("task/")) {
        Names.checkId("task id in resource", value.substring("task/".length()));
      }
    } catch (RuntimeException e) {
      throw ToolFailure.invalid(tool + ": " + e.getMessage());
    }
    return value;
  }

  /** The body of {@code lock.acquire}. */
  public static ObjectNode acquireBody(
      String resource, dev.baton.sdk.protocol.LockMode mode, Long leaseMs, long waitMs) {
    return CommandBodies.tree(new CommandBodies.LockAcquire(resource, mode, leaseMs, waitMs));
  }

  /** The body of {@code lock.renew}, {@code lock.release} and {@code lock.cancel}. */
  public static ObjectNode resourceBody(String resource, Long leaseMs) {
    return CommandBodies.tree(new CommandBodies.LockResource(resource, leaseMs));
  }

  /** A lock outcome as a compact result. */
  static ObjectNode result(String resource, Outcome outcome) {
    ObjectNode out = ToolJson.object();
    out.put("status", outcome.status().name());
    out.put("resource", resource);
    if (outcome.token() != null) {
      out.put("token", outcome.token());
    }
    if (outcome.leaseDeadline() != null) {
      out.put("leaseDeadline", outcome.leaseDeadline().toString());
    }
    if (outcome.position() != null) {
      out.put("position", outcome.position());
    }
    if (outcome.holders() != null && !outcome.holders().isEmpty()) {
      out.set("holders", ToolJson.tree(outcome.holders()));
    }
    return out;
  }

  /** The lock as it is now, or null when unknown here. */
  static LockState current(LockQueries locks, String workspace, String resource) {
    try {
      return locks.get(workspace, resource) instanceof LockQueries.Found found
          ? found.lock()
          : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The 1-based place of {@code agent} in the lock's queue, or 0 when it does not wait. */
  static int positionOf(LockState lock, String agent) {
    if (lock == null) {
      return 0;
    }
    for (int i = 0; i < lock.queue().size(); i++) {
      if (lock.queue().get(i).agent().equals(agent)) {
        return i + 1;
      }
    }
    return 0;
  }
}
