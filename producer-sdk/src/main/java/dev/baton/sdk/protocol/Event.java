package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The event envelope on {@code baton.events}, keyed by aggregate key. Events are the source of
 * every export.
 *
 * @param id unique event id, made by {@link EventIds}: {@code <commandId>:<n>} for the n-th event
 *     of a command; {@code <requestId>:granted}, {@code <requestId>:expired:<token>}, {@code
 *     <requestId>:wait_expired} for events raised later on behalf of a lock request; {@code
 *     rejected:<topic>-<partition>@<offset>} for a record that is not a readable command
 * @param type what happened
 * @param key the aggregate key
 * @param version the aggregate's version after the change (null for {@code agent.event} and {@code
 *     command.rejected})
 * @param agent the agent whose command caused it; for a lease or wait expiry the agent of the
 *     request it ended; null for {@code command.rejected}
 * @param commandId the command that caused it, if any
 * @param at when the topology applied it
 * @param data the event's payload, one {@link EventPayload} per type (the aggregate's state after
 *     the change for task and lock events; see {@code docs/protocol.md})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(
    String id,
    EventType type,
    String key,
    Long version,
    String agent,
    String commandId,
    Instant at,
    JsonNode data) {}
