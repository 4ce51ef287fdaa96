package dev.baton.app.e2e;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same SDK suite against Kafka in a container, where a Docker engine exists; skipped cleanly
 * where none does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SdkEndToEndContainerIT extends SdkEndToEndTests {
  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

  @Override
  protected String bootstrapServers() {
    return KAFKA.getBootstrapServers();
  }
}
