package dev.baton.app.cli.audit;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code baton audit ...}: read, check, replay and republish the audit trail, without Kafka. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Work with the audit trail the sink writes (<data-dir>/export/audit): print events, verify"
          + " the hash chain, recover task and lock state, republish to Kafka.",
      "Every verb takes the audit folder as its first argument, or --data-dir."
    },
    subcommands = {
      AuditCatCommand.class,
      AuditVerifyCommand.class,
      AuditRecoverCommand.class,
      AuditRepublishCommand.class
    })
public final class AuditCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "an audit verb is required");
  }
}
