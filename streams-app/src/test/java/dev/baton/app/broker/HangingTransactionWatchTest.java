package dev.baton.app.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HangingTransactionWatchTest {

  @Test
  void itLooksEverySecondWhileTheTopologyDoesNotRunAtAnyAge() {
    for (Duration age : new Duration[] {Duration.ZERO, Duration.ofMinutes(3), Duration.ofDays(2)}) {
      assertThat(HangingTransactionWatch.interval(false, age))
          .as("not running, %s after the start", age)
          .isEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void whileTheTopologyRunsItLooksOftenAfterTheStartAndLessLater() {
    assertThat(HangingTransactionWatch.interval(true, Duration.ofSeconds(30)))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(HangingTransactionWatch.interval(true, Duration.ofMinutes(2)))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(HangingTransactionWatch.interval(true, Duration.ofHours(5)))
        .isEqualTo(Duration.ofSeconds(5));
  }
}
