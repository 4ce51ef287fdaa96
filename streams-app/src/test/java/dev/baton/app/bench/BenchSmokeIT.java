package dev.baton.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.app.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI smoke run of the benchmarks: {@code baton bench all --quick} completes and writes one
 * valid JSON document per scenario. It checks shape only: benchmarks are never timed assertions.
 */
class BenchSmokeIT {

  @Test
  void shouldRunEveryScenarioAndWriteValidJson(@TempDir Path tmp) throws Exception {
    Path jsonDir = tmp.resolve("results");

    CliRun run =
        CliRun.of(
            "bench",
            "all",
            "--quick",
            "--json-dir",
            jsonDir.toString(),
            "--data-dir",
            tmp.resolve("data").toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    for (String scenario : Scenarios.names()) {
      Path file = jsonDir.resolve(scenario + ".json");
      assertThat(file).as("JSON of " + scenario).exists();
      JsonNode json = new ObjectMapper().readTree(Files.readAllBytes(file));
      assertThat(json.path("scenario").asText()).isEqualTo(scenario);
      assertThat(json.path("config").isObject()).as(scenario + " config").isTrue();
      assertThat(json.path("metrics").size()).as(scenario + " metrics").isPositive();
      assertNumbers(scenario, "metrics", json.path("metrics"));
      assertNumbers(scenario, "baseline", json.path("baseline"));
      assertNumbers(scenario, "ratio", json.path("ratio"));
    }
  }

  private static void assertNumbers(String scenario, String section, JsonNode node) {
    assertThat(node.isObject()).as(scenario + " " + section + " is an object").isTrue();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      assertThat(e.getValue().isNumber())
          .as(scenario + " " + section + "." + e.getKey() + " = " + e.getValue())
          .isTrue();
    }
  }
}
