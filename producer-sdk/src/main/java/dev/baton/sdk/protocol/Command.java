package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The command envelope on {@code baton.commands}, keyed by its aggregate key ({@link
 * AggregateKeys}).
 *
 * @param id client-chosen UUID; the idempotency key: a retry with the same id returns the first
 *     outcome and changes nothing
 * @param type what to do
 * @param workspace the namespace of the target ({@code default} unless set)
 * @param agent who asks
 * @param issuedAt when the client issued it (informational; the topology never trusts it for
 *     ordering)
 * @param expectedVersion optional optimistic-concurrency guard for task writes
 * @param fence optional fencing token for task writes
 * @param replyTo optional outcome routing; without it outcomes are partitioned by command id
 * @param body the type-specific payload (see {@link CommandBodies})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Command(
    String id,
    CommandType type,
    String workspace,
    String agent,
    Instant issuedAt,
    Long expectedVersion,
    Fence fence,
    ReplyTo replyTo,
    ObjectNode body) {}
