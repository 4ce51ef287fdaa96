package dev.baton.app.cli.lock;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code baton lock ...}: lock verbs, talking to a Baton server over HTTP. */
@Command(
    name = "lock",
    mixinStandardHelpOptions = true,
    description = {
      "Acquire, renew, release, cancel and inspect locks through a Baton server.",
      "The server does not renew leases for the CLI: a grant lapses when its lease runs out"
          + " unless 'baton lock renew' extends it."
    },
    subcommands = {
      LockAcquireCommand.class,
      LockRenewCommand.class,
      LockReleaseCommand.class,
      LockCancelCommand.class,
      LockStatusCommand.class
    })
public final class LockCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a lock verb is required");
  }
}
