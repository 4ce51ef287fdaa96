package dev.baton.app.cli;

import dev.baton.app.cli.agent.AgentCommand;
import dev.baton.app.cli.agent.McpCommand;
import dev.baton.app.cli.audit.AuditCommand;
import dev.baton.app.cli.decision.DecisionCommand;
import dev.baton.app.cli.events.EventsCommand;
import dev.baton.app.cli.lock.LockCommand;
import dev.baton.app.cli.projection.CheckpointCommand;
import dev.baton.app.cli.projection.QueryCommand;
import dev.baton.app.cli.projection.VerifyCommand;
import dev.baton.app.cli.task.TaskCommand;
import dev.baton.app.cli.token.TokenCommand;
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
      EventsCommand.class,
      AuditCommand.class,
      QueryCommand.class,
      CheckpointCommand.class,
      VerifyCommand.class,
      BenchCommand.class,
      McpCommand.class,
      AgentCommand.class,
      TokenCommand.class,
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
   * events}, {@code mcp}, {@code agent}): a {@code baton} command holding only the verb called, so
   * that picocli inspects the options of one verb instead of every command (picocli builds its
   * model by reflection, and that dominated a client call's start). {@code baton task get ...} gets
   * a {@code task} group with {@code get} alone; an unknown or missing verb gets the whole group,
   * so its usage message lists them all. Null for the service commands, which take the full CLI.
   */
  public static CommandLine clientCommandLine(String... args) {
    if (args.length == 0) {
      return null;
    }
    Class<?> group =
        switch (args[0]) {
          case "task" -> TaskCommand.class;
          case "lock" -> LockCommand.class;
          case "decision" -> DecisionCommand.class;
          case "events" -> EventsCommand.class;
          case "mcp" -> McpCommand.class;
          case "agent" -> AgentCommand.class;
          default -> null;
        };
    if (group == null) {
      return null;
    }
    CommandLine verb = args.length > 1 ? onlyVerb(group, args[0], args[1]) : null;
    CommandLine cli = new CommandLine(new ClientRoot());
    cli.addSubcommand(
        args[0], verb != null ? verb : new CommandLine(group, CommandLine.defaultFactory()));
    return configured(cli);
  }

  /** The group {@code groupName} holding only its verb {@code name}, or null if it has none. */
  private static CommandLine onlyVerb(Class<?> group, String groupName, String name) {
    Command annotation = group.getAnnotation(Command.class);
    if (annotation == null) {
      return null;
    }
    for (Class<?> sub : annotation.subcommands()) {
      Command verb = sub.getAnnotation(Command.class);
      if (verb != null && verb.name().equals(name)) {
        CommandLine only =
            new CommandLine(
                CommandLine.Model.CommandSpec.create()
                    .name(groupName)
                    .mixinStandardHelpOptions(true));
        only.addSubcommand(name, new CommandLine(sub, CommandLine.defaultFactory()));
        return only;
      }
    }
    return null;
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
          cmd.getErr().println("error: " + Redaction.secretsIn(e.getMessage()));
          return FAILED;
        });
    return cli;
  }
}
