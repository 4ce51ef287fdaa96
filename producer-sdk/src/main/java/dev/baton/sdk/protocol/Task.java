package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A task as the topology keeps it and as outcomes and events carry it.
 *
 * @param fieldVersions for each writable field ({@code title}, {@code fields.<name>}, ...), the
 *     task version that last changed it; the field-level merge of stale writes reads it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Task(
    String id,
    String workspace,
    String title,
    String description,
    TaskStatus status,
    String assignee,
    Integer priority,
    List<String> labels,
    List<String> dependsOn,
    ObjectNode fields,
    long version,
    String createdBy,
    Instant createdAt,
    String updatedBy,
    Instant updatedAt,
    Map<String, Long> fieldVersions) {}
