package dev.baton.app.http;

import io.javalin.http.Context;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/** {@code GET /v1/health}: 200 only while the topology is {@code RUNNING}, else 503. */
final class HealthResource {
  private final Supplier<KafkaStreams.State> state;

  HealthResource(Supplier<KafkaStreams.State> state) {
    this.state = state;
  }

  void health(Context ctx) {
    KafkaStreams.State current = state.get();
    ctx.status(current == KafkaStreams.State.RUNNING ? 200 : 503)
        .json(new HealthResponse(current.name()));
  }
}
