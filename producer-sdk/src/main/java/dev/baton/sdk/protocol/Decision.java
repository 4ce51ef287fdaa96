package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * An ADR-style decision, numbered per workspace from 1 in log order.
 *
 * @param supersedes the number of an earlier decision this one replaces, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Decision(
    String workspace,
    int number,
    String title,
    String context,
    String decision,
    String alternatives,
    String consequences,
    Integer supersedes,
    String taskId,
    String agent,
    String commandId,
    Instant at) {}
