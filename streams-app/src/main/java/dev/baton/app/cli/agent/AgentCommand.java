package dev.baton.app.cli.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code baton agent ...}: plug coding agents into Baton. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Set up Claude Code, OpenCode or Codex to work through Baton; guard commits.",
    subcommands = {AgentSetupCommand.class, AgentGuardCommand.class})
public final class AgentCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "an agent verb is required");
  }
}
