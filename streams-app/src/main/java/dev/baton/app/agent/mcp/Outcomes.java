package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Outcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waits for a command's outcome on the tool's thread and turns it into a compact result. */
final class Outcomes {
  private Outcomes() {}

  /** The final outcome; a rejection or failure is thrown as a {@link ToolFailure}. */
  static Outcome await(CompletableFuture<Outcome> future) {
    try {
      Outcome outcome = future.get();
      if (!outcome.isSuccess()) {
        throw Compact.rejected(outcome);
      }
      return outcome;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailure("CANCELLED", "the call was interrupted", null);
    } catch (ExecutionException e) {
      throw Compact.failure(e);
    }
  }

  /** A task command's result: status, message and the task after it. */
  static ObjectNode taskResult(Outcome outcome) {
    ObjectNode out = ToolJson.object();
    out.put("status", outcome.status().name());
    if (outcome.message() != null && !"ok".equals(outcome.message())) {
      out.put("message", outcome.message());
    }
    if (outcome.state() != null) {
      out.set("task", Compact.task(outcome.state()));
    }
    return out;
  }
}
