package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.config.AppConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthModesTest {
  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"})
  void shouldTakeLoopbackAddressesForLocal(String host) {
    assertThat(AuthModes.isLoopback(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "10.1.2.3", "::", "no-such-host.invalid"})
  void shouldTakeEverythingElseForExposed(String host) {
    assertThat(AuthModes.isLoopback(host)).isFalse();
  }

  @Test
  void shouldRefuseAnExposedNodeWithoutAuthNamingTheKey() {
    AppConfig exposed = AppConfig.defaults(Map.of(AppConfig.HTTP_HOST, "0.0.0.0"));

    assertThatThrownBy(() -> HttpApi.checkExposure(exposed))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AppConfig.HTTP_HOST)
        .hasMessageContaining(AppConfig.AUTH_ENABLED);
  }

  @Test
  void shouldLetAnExposedNodeWithAuthOrALocalOneWithout() {
    HttpApi.checkExposure(
        AppConfig.defaults(Map.of(AppConfig.HTTP_HOST, "0.0.0.0", AppConfig.AUTH_ENABLED, true)));
    HttpApi.checkExposure(AppConfig.defaults(Map.of()));
  }
}
