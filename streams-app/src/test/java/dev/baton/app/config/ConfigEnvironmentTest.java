package dev.baton.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ConfigEnvironmentTest {

  @Nested
  class TheMapping {
    @Test
    void shouldNameTheVariableOfAKeyInUpperCaseWithUnderscores() {
      assertThat(ConfigEnvironment.variable(AppConfig.HTTP_PORT)).isEqualTo("BATON_HTTP_PORT");
      assertThat(ConfigEnvironment.variable(AppConfig.DECISIONS_DEBOUNCE_MS))
          .isEqualTo("BATON_EXPORT_DECISIONS_DEBOUNCE_MS");
    }

    @Test
    void shouldGiveEveryKeyAVariableThatLeadsBackToIt() {
      for (String key : AppConfig.DEFINITION.names()) {
        String variable = ConfigEnvironment.variable(key);

        assertThat(variable).startsWith(ConfigEnvironment.PREFIX);
        assertThat(ConfigEnvironment.key(variable)).as(variable).contains(key);
      }
      assertThat(ConfigEnvironment.variables()).hasSameSizeAs(AppConfig.DEFINITION.names());
    }

    @Test
    void shouldKnowNoVariableThatIsNotAKeys() {
      assertThat(ConfigEnvironment.key("BATON_SERVER")).isEmpty();
      assertThat(ConfigEnvironment.key("BATON_HTTP")).isEmpty();
    }

    @Test
    void shouldRefuseAKeyThatCannotHaveAVariable() {
      ConfigDef underscore =
          new ConfigDef().define("baton.http_port", Type.INT, 1, Importance.LOW, "doc");
      ConfigDef outside = new ConfigDef().define("http.port", Type.INT, 1, Importance.LOW, "doc");
      ConfigDef upper =
          new ConfigDef().define("baton.httpPort", Type.INT, 1, Importance.LOW, "doc");

      for (ConfigDef definition : new ConfigDef[] {underscore, outside, upper}) {
        assertThatThrownBy(() -> ConfigEnvironment.index(definition))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("has no environment variable");
      }
    }
  }

  @Nested
  class ReadingAnEnvironment {
    @Test
    void shouldTurnKeyVariablesIntoSettingsAndLeaveOtherVariablesAlone() {
      Map<String, String> env =
          Map.of(
              "BATON_HTTP_PORT", "8080",
              "BATON_BOOTSTRAP_SERVERS", "kafka:9092",
              "BATON_SERVER", "http://elsewhere:7070",
              "HOME", "/home/baton",
              "PATH", "/usr/bin");

      Map<String, String> settings = ConfigEnvironment.settings(env, Set.of("BATON_SERVER"));

      assertThat(settings)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  AppConfig.HTTP_PORT, "8080",
                  AppConfig.BOOTSTRAP_SERVERS, "kafka:9092"));
      AppConfig config = AppConfig.parse(settings);
      assertThat(config.httpPort()).isEqualTo(8080);
      assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
    }

    @Test
    void shouldRefuseAnUnknownBatonVariableNamingItAndTheNearestKeyVariable() {
      Map<String, String> env = Map.of("BATON_REPLICATION_FACTR", "3", "BATON_HTTP_PORT", "1");

      assertThatThrownBy(() -> ConfigEnvironment.settings(env, Set.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("unknown Baton environment variable BATON_REPLICATION_FACTR")
          .hasMessageContaining("there is no key baton.replication.factr")
          .hasMessageContaining("did you mean BATON_REPLICATION_FACTOR?")
          .hasMessageContaining("baton config");
    }

    @Test
    void shouldNameEveryUnknownVariableAtOnce() {
      Map<String, String> env = Map.of("BATON_NOPE", "1", "BATON_WHATEVER_ELSE", "2");

      assertThatThrownBy(() -> ConfigEnvironment.settings(env, Set.of()))
          .hasMessageContaining("variables BATON_NOPE")
          .hasMessageContaining("BATON_WHATEVER_ELSE")
          .hasMessageNotContaining("did you mean");
    }

    @Test
    void shouldRefuseABadValueNamingTheVariableAndTheKey() {
      assertThatThrownBy(
              () -> ConfigEnvironment.settings(Map.of("BATON_HTTP_PORT", "seventy"), Set.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("environment variable BATON_HTTP_PORT")
          .hasMessageContaining(AppConfig.HTTP_PORT)
          .hasMessageContaining("seventy");
      assertThatThrownBy(
              () -> ConfigEnvironment.settings(Map.of("BATON_HTTP_PORT", "70000"), Set.of()))
          .hasMessageContaining("environment variable BATON_HTTP_PORT");
    }

    @Test
    void shouldKeepAnEmptyValueAsAnEmptySetting() {
      assertThat(ConfigEnvironment.settings(Map.of("BATON_TOPIC_PREFIX", ""), Set.of()))
          .containsEntry(AppConfig.TOPIC_PREFIX, "");
    }
  }
}
