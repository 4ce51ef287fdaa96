package dev.baton.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyTest {

  @Test
  void shouldReportPercentilesFromTheHistogramNotTheMean() {
    Latency latency = new Latency();
    for (int i = 0; i < 990; i++) {
      latency.recordNanos(1_000_000);
    }
    for (int i = 0; i < 10; i++) {
      latency.recordNanos(500_000_000);
    }

    assertThat(latency.p50Ms()).isCloseTo(1.0, within(0.01));
    assertThat(latency.percentileMs(99.5)).isCloseTo(500.0, within(1.0));
    assertThat(latency.count()).isEqualTo(1000);
  }
}
