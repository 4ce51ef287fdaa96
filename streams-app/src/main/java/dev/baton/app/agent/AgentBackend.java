package dev.baton.app.agent;

import dev.baton.app.state.AgentHoldings;
import dev.baton.app.state.LockQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonClient;

/**
 * What the agent surfaces act through: the gateway's SDK client (commands, sent on behalf of the
 * calling agent with {@link BatonClient#as}), the query views the HTTP resources read (and the
 * agent's holdings across the lock store), and the decisions the node can serve.
 */
public record AgentBackend(
    BatonClient client,
    TaskQueries tasks,
    LockQueries locks,
    AgentHoldings holdings,
    DecisionSource decisions,
    AgentSettings settings) {}
