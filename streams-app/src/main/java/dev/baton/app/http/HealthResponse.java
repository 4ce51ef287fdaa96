package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.app.sink.SinkStatus;
import java.util.List;

/**
 * Answer of {@code GET /v1/health} (see {@link HealthResource} and {@code docs/protocol.md}).
 *
 * @param status {@code RUNNING} when healthy and serving; else why not
 * @param streams the Kafka Streams state of the topology
 * @param partitions the partitions this node's topology owns (absent when unknown)
 * @param sinks the sinks this node runs, each with its partitions and, when stalled, where and why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthResponse(
    String status, String streams, List<Integer> partitions, List<SinkStatus> sinks) {}
