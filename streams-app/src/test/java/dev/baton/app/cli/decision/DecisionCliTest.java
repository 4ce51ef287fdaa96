package dev.baton.app.cli.decision;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.CliRun;
import dev.baton.app.cli.FakeBatonServer;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code baton decision record} against a fake server. */
@Timeout(60)
class DecisionCliTest {
  private static final String RECORDED =
      "{\"commandId\":\"c-1\",\"status\":\"ACCEPTED\",\"code\":\"OK\","
          + "\"message\":\"decision 3 recorded\",\"version\":3,\"state\":{\"workspace\":\"ws-1\","
          + "\"number\":3,\"title\":\"Use Kafka\",\"decision\":\"Kafka is the log\","
          + "\"supersedes\":2,\"agent\":\"agent-7\"}}";

  private FakeBatonServer server;

  @BeforeEach
  void start() throws IOException {
    server = new FakeBatonServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String[] args(String... args) {
    List<String> all = new ArrayList<>(List.of("decision", "record"));
    all.addAll(Arrays.asList(args));
    all.addAll(List.of("--server", server.url(), "--agent", "agent-7", "--workspace", "ws-1"));
    return all.toArray(String[]::new);
  }

  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  @Test
  void shouldPostTheDecisionAndPrintItsNumber() {
    server.answer(201, RECORDED);

    CliRun run =
        CliRun.of(
            args(
                "--title", "Use Kafka",
                "--context", "many agents",
                "--decision", "Kafka is the log",
                "--alternatives", "a database",
                "--consequences", "run a broker",
                "--task", "t-1",
                "--supersedes", "2"));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out().strip()).isEqualTo("decision 3 recorded (supersedes 2)");
    assertThat(server.lastRequest().pathAndQuery()).isEqualTo("/v1/decisions/ws-1");
    assertThat(json(server.lastRequest().body()))
        .isEqualTo(
            json(
                "{\"title\":\"Use Kafka\",\"context\":\"many agents\",\"decision\":\"Kafka is"
                    + " the log\",\"alternatives\":\"a database\",\"consequences\":\"run a"
                    + " broker\",\"supersedes\":2,\"task\":\"t-1\"}"));
  }

  @Test
  void shouldPrintTheDecisionWithJson() {
    server.answer(201, RECORDED);

    CliRun run = CliRun.of(args("--title", "T", "--decision", "D", "--json"));

    assertThat(run.exitCode()).isZero();
    assertThat(json(run.out()).path("number").asInt()).isEqualTo(3);
    assertThat(json(run.out()).path("title").asText()).isEqualTo("Use Kafka");
  }

  @Test
  void shouldReportAnUnknownSupersededDecisionWithExit1() {
    server.answer(
        404,
        "{\"error\":\"NOT_FOUND\",\"message\":\"decision 9 does not exist in workspace ws-1"
            + " (latest is 2)\",\"code\":\"NOT_FOUND\",\"version\":2}");

    CliRun run = CliRun.of(args("--title", "T", "--decision", "D", "--supersedes", "9"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("rejected: NOT_FOUND: decision 9 does not exist");
  }

  @Test
  void shouldRequireTitleAndDecision() {
    for (String[] bad : List.of(args("--decision", "D"), args("--title", "T"))) {
      CliRun run = CliRun.withPicocliDefaults(bad);
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    }
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void shouldRejectABadSupersedesOrTaskAsUsageErrors() {
    CliRun zero =
        CliRun.withPicocliDefaults(args("--title", "T", "--decision", "D", "--supersedes", "0"));
    CliRun task =
        CliRun.withPicocliDefaults(args("--title", "T", "--decision", "D", "--task", "a/b"));

    assertThat(zero.exitCode()).isEqualTo(2);
    assertThat(zero.err()).contains("--supersedes");
    assertThat(task.exitCode()).isEqualTo(2);
    assertThat(task.err()).contains("--task");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void shouldOfferHelp() {
    CliRun run = CliRun.of("decision", "record", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: baton decision record", "--supersedes", "--json");
  }
}
