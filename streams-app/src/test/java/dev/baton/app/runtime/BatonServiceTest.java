package dev.baton.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.config.AppConfig;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class BatonServiceTest {

  @Test
  void onASharedClusterTheHangingTransactionWatchLooksAtTheNodesOwnTopicsOnly() {
    AppConfig c =
        AppConfig.defaults(
            Map.of(AppConfig.TOPIC_PREFIX, "team1.", AppConfig.APPLICATION_ID, "baton-team1"));
    Predicate<String> own = BatonService.ownTopics(c);

    assertThat(own)
        .accepts(
            c.topics().commands(),
            c.topics().outcomes(),
            c.topics().events(),
            c.tokensTopic(),
            "baton-team1-tasks-changelog",
            "__consumer_offsets");
    assertThat(own)
        .rejects(
            "team2.commands",
            "billing.events",
            "__transaction_state",
            "baton-team1x-tasks-changelog",
            "baton-team2-tasks-changelog");
  }

  @Test
  void theNodeWritesTransactionMarkersOnlyOverAPlaintextConnection() {
    assertThat(BatonService.plaintext(Map.of())).isTrue();
    assertThat(BatonService.plaintext(Map.of("security.protocol", "plaintext"))).isTrue();
    assertThat(BatonService.plaintext(Map.of("security.protocol", "SASL_SSL"))).isFalse();
    assertThat(BatonService.plaintext(Map.of("security.protocol", "SSL"))).isFalse();
    assertThat(BatonService.plaintext(Map.of("security.protocol", "SASL_PLAINTEXT"))).isFalse();
  }
}
