package dev.baton.app.cli.task;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code baton task ...}: task verbs, talking to a Baton server over HTTP. */
@Command(
    name = "task",
    mixinStandardHelpOptions = true,
    description = "Create, read, update, claim, move and list tasks through a Baton server.",
    subcommands = {
      TaskCreateCommand.class,
      TaskGetCommand.class,
      TaskUpdateCommand.class,
      TaskClaimCommand.class,
      TaskTransitionCommand.class,
      TaskListCommand.class
    })
public final class TaskCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a task verb is required");
  }
}
