package dev.baton.app.agent;

import dev.baton.app.feed.EventFeed;
import dev.baton.app.state.AgentHoldings;
import dev.baton.app.state.LockQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonClient;

/**
 * What the agent surfaces act through: the gateway's SDK client (commands, sent on behalf of the
 * calling agent with {@link BatonClient#as}), the query views the HTTP resources read (and the
 * agent's holdings across this node's lock store), the agent's view gathered from every node
 * ({@code agents}, what the hooks read at a session's start and end), the decisions the node can
 * serve, and the node's event feed ({@code feed} null on a node without one: {@code events_wait}
 * then answers {@code UNAVAILABLE} and {@code baton_status} has no cursor).
 */
public record AgentBackend(
    BatonClient client,
    TaskQueries tasks,
    LockQueries locks,
    AgentHoldings holdings,
    AgentLookup agents,
    DecisionSource decisions,
    AgentSettings settings,
    EventFeed feed) {}
