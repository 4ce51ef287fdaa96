package dev.baton.app.cli;

import dev.baton.app.cli.audit.AuditCommand;
import dev.baton.app.cli.decision.DecisionCommand;
import dev.baton.app.cli.lock.LockCommand;
import dev.baton.app.cli.projection.CheckpointCommand;
import dev.baton.app.cli.projection.QueryCommand;
import dev.baton.app.cli.projection.VerifyCommand;
import dev.baton.app.cli.task.TaskCommand;
import dev.baton.app.config.Redaction;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code baton} command. Exit codes: 0 ok, 1 failure or rejection, 2 bad usage. */
@Command(
    name = "baton",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Coordination for teams of AI coding agents, on Kafka.",
    subcommands = {
      UpCommand.class,
      ServeCommand.class,
      SinkCommand.class,
      ConfigCommand.class,
      TaskCommand.class,
      LockCommand.class,
      DecisionCommand.class,
      AuditCommand.class,
      QueryCommand.class,
      CheckpointCommand.class,
      VerifyCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BatonCli implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /** Runs the CLI and returns its exit code. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new BatonCli());
    cli.setExitCodeExceptionMapper(
        e -> e instanceof CommandLine.ParameterException ? USAGE : FAILED);
    cli.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          cmd.getErr().println("error: " + Redaction.secretsIn(e.getMessage()));
          return FAILED;
        });
    return cli;
  }
}
