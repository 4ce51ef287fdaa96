package dev.baton.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AppConfigTest {

  @Test
  void shouldGiveTheOutcomesTopicAsManyPartitionsAsTheOthersByDefault() {
    AppConfig config = AppConfig.parse(Map.of(AppConfig.PARTITIONS, "12"));

    assertThat(config.partitions()).isEqualTo(12);
    assertThat(config.outcomePartitions()).isEqualTo(12);
  }

  @Test
  void shouldGiveTheOutcomesTopicItsOwnPartitionCountWhenSet() {
    AppConfig config =
        AppConfig.parse(Map.of(AppConfig.PARTITIONS, "6", AppConfig.OUTCOME_PARTITIONS, "100"));

    assertThat(config.partitions()).isEqualTo(6);
    assertThat(config.outcomePartitions()).isEqualTo(100);
  }

  @Test
  void shouldRefuseANegativeOutcomePartitionCountNamingTheKey() {
    assertThatThrownBy(() -> AppConfig.parse(Map.of(AppConfig.OUTCOME_PARTITIONS, "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AppConfig.OUTCOME_PARTITIONS);
  }

  @Test
  void shouldRefuseADefaultLeaseLongerThanTheMaximum() {
    assertThatThrownBy(
            () ->
                AppConfig.parse(
                    Map.of(
                        AppConfig.LOCK_MAX_LEASE_MS,
                        "1000",
                        AppConfig.LOCK_DEFAULT_LEASE_MS,
                        "2000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AppConfig.LOCK_DEFAULT_LEASE_MS)
        .hasMessageContaining("must not exceed");
  }
}
