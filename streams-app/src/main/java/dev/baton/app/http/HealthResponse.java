package dev.baton.app.http;

/** Answer of {@code GET /v1/health}: the Kafka Streams state ({@code RUNNING} when healthy). */
public record HealthResponse(String status) {}
