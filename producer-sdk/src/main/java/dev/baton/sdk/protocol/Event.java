package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The event envelope on {@code baton.events}, keyed by aggregate key. Events are the source of
 * every export.
 *
 * @param id unique event id: {@code <commandId>:<n>} for the n-th event of a command, or {@code
 *     <key>@<version>:<type>} for events the topology raises itself (lease expiry)
 * @param type what happened
 * @param key the aggregate key
 * @param version the aggregate's version after the change (null for {@code command.rejected})
 * @param agent the agent whose command caused it ({@code baton} for the topology's own events)
 * @param commandId the command that caused it, if any
 * @param at when the topology applied it
 * @param data the aggregate's state after the change, or the rejection detail
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
