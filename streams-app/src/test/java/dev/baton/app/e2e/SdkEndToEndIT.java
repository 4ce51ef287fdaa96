package dev.baton.app.e2e;

import dev.baton.app.testing.KafkaTestCluster;

/** The SDK suite on the shared in-JVM broker (or {@code BATON_TEST_BOOTSTRAP}). */
class SdkEndToEndIT extends SdkEndToEndTests {
  @Override
  protected String bootstrapServers() {
    return KafkaTestCluster.bootstrapServers();
  }
}
