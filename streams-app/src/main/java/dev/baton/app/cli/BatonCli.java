package dev.baton.app.cli;

import dev.baton.app.cli.agent.AgentCommand;
import dev.baton.app.cli.agent.McpCommand;
import dev.baton.app.cli.audit.AuditCommand;
import dev.baton.app.cli.decision.DecisionCommand;
import dev.baton.app.cli.lock.LockCommand;
import dev.baton.app.cli.projection.CheckpointCommand;
import dev.baton.app.cli.projection.QueryCommand;
import dev.baton.app.cli.projection.VerifyCommand;
import dev.baton.app.cli.task.TaskCommand;
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
      McpCommand.class,
      AgentCommand.class,
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
    return configured(new CommandLine(new BatonCli()));
  }

  /**
   * The lean start path of the client verbs ({@code task}, {@code lock}, {@code decision}, {@code
   * mcp}, {@code agent}): a {@code baton} command that holds only {@code verb}, so that picocli
   * builds the model of one verb group instead of every command (the service commands reach Kafka,
   * Streams and JDBC types). Null for any other verb, which takes the full command.
   */
  public static CommandLine clientCommandLine(String verb) {
    Object group =
        switch (verb) {
          case "task" -> new TaskCommand();
          case "lock" -> new LockCommand();
          case "decision" -> new DecisionCommand();
          case "mcp" -> new McpCommand();
          case "agent" -> new AgentCommand();
          default -> null;
        };
    if (group == null) {
      return null;
    }
    CommandLine cli = new CommandLine(new ClientRoot());
    cli.addSubcommand(verb, group);
    return configured(cli);
  }

  /** The root of {@link #clientCommandLine}: {@code baton} with one verb group added. */
  @Command(name = "baton", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
  static final class ClientRoot implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
  }

  private static CommandLine configured(CommandLine cli) {
    cli.setExitCodeExceptionMapper(
        e -> e instanceof CommandLine.ParameterException ? USAGE : FAILED);
    cli.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          cmd.getErr().println("error: " + e.getMessage());
          return FAILED;
        });
    return cli;
  }
}
