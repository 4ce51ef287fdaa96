package dev.baton.app.cli.projection;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code baton checkpoint create|list|restore}. */
@Command(
    name = "checkpoint",
    mixinStandardHelpOptions = true,
    description = {
      "Create, list and restore checkpoints of the projection in"
          + " <data-dir>/export/checkpoints (see docs/operations.md)."
    },
    subcommands = {
      CheckpointCreateCommand.class,
      CheckpointListCommand.class,
      CheckpointRestoreCommand.class
    })
public final class CheckpointCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a checkpoint verb is required: create, list or restore");
  }
}
