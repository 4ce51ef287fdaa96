package dev.baton.app.cli.events;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code baton events ...}: the event feed of a Baton server, over HTTP. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = "Follow the events of a workspace through a Baton server.",
    subcommands = {EventsWatchCommand.class})
public final class EventsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "an events verb is required");
  }
}
