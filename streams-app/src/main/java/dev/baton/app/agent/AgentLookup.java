package dev.baton.app.agent;

import dev.baton.app.state.AgentQueries;
import io.javalin.http.Context;

/**
 * Where one agent stands across every node: its grants, queued requests and assigned tasks, from
 * every partition (the answer of {@code GET /v1/agents/{ws}/{agent}}). The hooks read it for a
 * session's start and end, so that locks on partitions another node hosts are found too.
 */
@FunctionalInterface
public interface AgentLookup {
  /**
   * The agent's view, gathered from every node with the headers of {@code ctx} (the caller's
   * credentials).
   *
   * @throws dev.baton.app.http.ApiError 503 {@code UNAVAILABLE} when not every partition could be
   *     read right now (a rebalance, a node not answering)
   * @throws org.apache.kafka.streams.errors.InvalidStateStoreException when this node's stores are
   *     not queryable right now
   */
  AgentQueries.AgentView find(Context ctx, String workspace, String agent);
}
