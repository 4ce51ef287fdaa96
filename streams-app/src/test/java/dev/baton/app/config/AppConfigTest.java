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

  @Test
  void shouldAdvertiseTheBindAddressWhenNoApplicationServerIsSet() {
    AppConfig config =
        AppConfig.parse(Map.of(AppConfig.HTTP_HOST, "10.0.0.7", AppConfig.HTTP_PORT, "7071"));

    assertThat(config.applicationServer()).isEqualTo("10.0.0.7:7071");
  }

  @Test
  void shouldAdvertiseTheApplicationServerWhenSet() {
    AppConfig config =
        AppConfig.parse(
            Map.of(
                AppConfig.HTTP_HOST,
                "0.0.0.0",
                AppConfig.APPLICATION_SERVER,
                "baton-serve-0.baton-headless.baton.svc.cluster.local:7070"));

    assertThat(config.applicationServer())
        .isEqualTo("baton-serve-0.baton-headless.baton.svc.cluster.local:7070");
  }

  @Test
  void shouldRefuseAnApplicationServerThatIsNotHostAndPort() {
    for (String bad :
        new String[] {
          "node-0",
          "node-0:",
          ":7070",
          "node-0:0",
          "node-0:70000",
          "http://node-0:7070",
          "node-0:http"
        }) {
      assertThatThrownBy(() -> AppConfig.parse(Map.of(AppConfig.APPLICATION_SERVER, bad)))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(AppConfig.APPLICATION_SERVER)
          .hasMessageContaining("host:port");
    }
  }
}
