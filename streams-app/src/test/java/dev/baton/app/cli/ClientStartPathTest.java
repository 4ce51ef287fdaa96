package dev.baton.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The lean start path of the client verbs: one verb's model, the same answers. */
class ClientStartPathTest {
  @Test
  void shouldHoldOnlyTheVerbCalled() {
    CommandLine cli = BatonCli.clientCommandLine("task", "get", "t-1");
    assertThat(cli.getSubcommands()).containsOnlyKeys("task");
    assertThat(cli.getSubcommands().get("task").getSubcommands()).containsOnlyKeys("get");
  }

  @Test
  void shouldHoldTheWholeGroupForAnUnknownOrMissingVerb() {
    assertThat(
            BatonCli.clientCommandLine("lock", "nope")
                .getSubcommands()
                .get("lock")
                .getSubcommands())
        .containsKeys("acquire", "renew", "release", "cancel", "status");
    assertThat(BatonCli.clientCommandLine("agent").getSubcommands().get("agent").getSubcommands())
        .containsKeys("setup", "guard");
  }

  @Test
  void shouldLeaveServiceCommandsToTheFullCli() {
    assertThat(BatonCli.clientCommandLine("up")).isNull();
    assertThat(BatonCli.clientCommandLine()).isNull();
  }

  @Test
  void shouldReportBadUsageWithExitCode2LikeTheFullCli() {
    CommandLine cli = BatonCli.clientCommandLine("task", "get");
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("task", "get")).isEqualTo(BatonCli.USAGE);
    assertThat(err.toString()).contains("Missing required parameter: 'ID'");
  }
}
