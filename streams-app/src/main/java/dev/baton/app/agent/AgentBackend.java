package dev.baton.app.agent;

import dev.baton.app.feed.EventFeed;
import dev.baton.app.state.AgentHoldings;
import dev.baton.app.state.LockQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonClient;

/**
 * What the agent surfaces act through: the gateway's SDK client (commands, sent on behalf of the
 * calling agent with {@link BatonClient#as}), the query views the HTTP resources read (and the
 * agent's holdings across the lock store), the decisions the node can serve, and the node's event
 * feed ({@code feed} null on a node without one: {@code events_wait} then answers {@code
 * UNAVAILABLE} and {@code baton_status} has no cursor).
 */
public record AgentBackend(
    BatonClient client,
    TaskQueries tasks,
    LockQueries locks,
    AgentHoldings holdings,
    DecisionSource decisions,
    AgentSettings settings,
    EventFeed feed) {}
