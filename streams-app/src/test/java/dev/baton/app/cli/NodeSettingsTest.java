package dev.baton.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.config.AppConfig;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NodeSettingsTest {
  private static final Map<String, String> NO_ENV = Map.of();

  @Nested
  class Precedence {
    @Test
    void shouldTakeTheKeyDefaultsWhenNothingElseIsGiven() {
      AppConfig config = NodeSettings.of(NO_ENV, "sink");

      AppConfig defaults = AppConfig.defaults(Map.of());
      assertThat(config.dataDir()).isEqualTo(defaults.dataDir());
      assertThat(config.bootstrapServers()).isEqualTo(defaults.bootstrapServers());
      assertThat(config.projectionJdbcUrl()).isEqualTo(defaults.projectionJdbcUrl());
    }

    @Test
    void shouldTakeTheEnvironmentOverTheDefaults() {
      Map<String, String> env =
          Map.of(
              "BATON_BOOTSTRAP_SERVERS", "kafka:9092",
              "BATON_DATA_DIR", "/data",
              "BATON_HTTP_PORT", "8081",
              "BATON_APPLICATION_SERVER", "node-0.nodes:8081");

      AppConfig config = NodeSettings.of(env, "serve");

      assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
      assertThat(config.dataDir()).isEqualTo(Path.of("/data"));
      assertThat(config.httpPort()).isEqualTo(8081);
      assertThat(config.applicationServer()).isEqualTo("node-0.nodes:8081");
    }

    @Test
    void shouldTakeConfigOverTheEnvironmentAndOptionsOverBoth() {
      Map<String, String> env = Map.of("BATON_HTTP_PORT", "8081", "BATON_DATA_DIR", "/env");

      AppConfig config =
          NodeSettings.of(
              env,
              "serve",
              "--bootstrap=kafka:9092",
              "--config",
              "baton.http.port=8082",
              "--config",
              "baton.data.dir=/config",
              "--data-dir",
              "/option");

      assertThat(config.httpPort()).isEqualTo(8082);
      assertThat(config.dataDir()).isEqualTo(Path.of("/option"));
    }

    @Test
    void shouldMapEveryShorthandOptionToItsKey() {
      AppConfig up =
          NodeSettings.of(
              NO_ENV,
              "up",
              "--data-dir=/d",
              "--http-port=1234",
              "--partitions=24",
              "--bootstrap=k:1",
              "--jdbc-url=jdbc:sqlite:/x.db");
      AppConfig sink = NodeSettings.of(NO_ENV, "sink", "--jdbc-url=jdbc:sqlite:/y.db");

      assertThat(up.dataDir()).isEqualTo(Path.of("/d"));
      assertThat(up.httpPort()).isEqualTo(1234);
      assertThat(up.partitions()).isEqualTo(24);
      assertThat(up.bootstrapServers()).isEqualTo("k:1");
      assertThat(up.projectionJdbcUrl()).isEqualTo("jdbc:sqlite:/x.db");
      assertThat(sink.projectionJdbcUrl()).isEqualTo("jdbc:sqlite:/y.db");
    }

    @Test
    void shouldNeverRunTheSinksInServeWhateverTheEnvironmentSays() {
      AppConfig config =
          NodeSettings.of(
              Map.of("BATON_AUDIT_ENABLED", "true", "BATON_BOOTSTRAP_SERVERS", "k:1"), "serve");

      assertThat(config.values().get(AppConfig.AUDIT_ENABLED)).isEqualTo(false);
      assertThat(config.values().get(AppConfig.PROJECTION_ENABLED)).isEqualTo(false);
    }
  }

  @Nested
  class Refusals {
    @Test
    void shouldRequireTheClusterForServeFromAnySource() {
      assertThatThrownBy(() -> NodeSettings.of(NO_ENV, "serve"))
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessageContaining("--bootstrap")
          .hasMessageContaining("BATON_BOOTSTRAP_SERVERS");
      assertThat(NodeSettings.of(Map.of("BATON_BOOTSTRAP_SERVERS", "k:1"), "serve")).isNotNull();
      assertThat(NodeSettings.of(NO_ENV, "serve", "--config", "baton.bootstrap.servers=k:1"))
          .isNotNull();
    }

    @Test
    void shouldRefuseAnUnknownBatonVariableInEveryNodeCommand() {
      Map<String, String> env = Map.of("BATON_HTTP_PROT", "8081", "BATON_BOOTSTRAP_SERVERS", "k");

      for (String command : new String[] {"serve", "sink", "up"}) {
        assertThatThrownBy(() -> NodeSettings.of(env, command))
            .as(command)
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("BATON_HTTP_PROT")
            .hasMessageContaining("did you mean BATON_HTTP_PORT?");
      }
    }

    @Test
    void shouldAcceptTheClientVerbsAndLaunchersVariables() {
      Map<String, String> env =
          Map.of(
              "BATON_SERVER", "http://x:7070",
              "BATON_AGENT", "alice",
              "BATON_WORKSPACE", "ws",
              "BATON_JAVA_OPTS", "-Xmx1g",
              "BATON_BOOTSTRAP_SERVERS", "k:1");

      assertThat(NodeSettings.of(env, "serve").bootstrapServers()).isEqualTo("k:1");
    }

    @Test
    void shouldRefuseArgumentsThatNameNoNodeCommand() {
      assertThatThrownBy(() -> NodeSettings.of(NO_ENV, "config"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a node command");
    }
  }

  @Test
  void shouldFindTheClientVariablesInTheCommandModel() {
    assertThat(NodeSettings.otherVariables())
        .contains("BATON_SERVER", "BATON_AGENT", "BATON_WORKSPACE")
        .containsAll(NodeSettings.OUTSIDE_THE_CLI)
        .noneMatch(v -> v.equals("BATON_HTTP_PORT"));
  }

  @Test
  void shouldShowTheKeyDefaultsAndVariablesInHelp() {
    CliRun help = CliRun.of("serve", "--help");

    assertThat(help.out())
        .contains("BATON_DATA_DIR; default: baton-data")
        .contains("BATON_HTTP_PORT; default: 7070")
        .contains("BATON_X_Y sets baton.x.y");
  }

  @Test
  void shouldNameEachShorthandOptionsVariableInItsHelp() {
    CommandLine cli = BatonCli.commandLine();
    for (String command : new String[] {"serve", "sink", "up"}) {
      for (var option : cli.getSubcommands().get(command).getCommandSpec().options()) {
        String key = NodeSettings.OPTION_KEYS.get(option.longestName());
        if (key != null) {
          assertThat(String.join(" ", option.description()))
              .as("%s %s", command, option.longestName())
              .contains(dev.baton.app.config.ConfigEnvironment.variable(key));
        }
      }
    }
  }
}
