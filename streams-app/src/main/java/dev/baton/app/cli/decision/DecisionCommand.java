package dev.baton.app.cli.decision;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code baton decision ...}: decision verbs, talking to a Baton server over HTTP. */
@Command(
    name = "decision",
    mixinStandardHelpOptions = true,
    description = "Record ADR-style decisions through a Baton server.",
    subcommands = {DecisionRecordCommand.class})
public final class DecisionCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a decision verb is required");
  }
}
