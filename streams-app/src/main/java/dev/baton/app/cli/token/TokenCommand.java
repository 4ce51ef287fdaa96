package dev.baton.app.cli.token;

import picocli.CommandLine.Command;

/** {@code baton token}: create, list and revoke the bearer tokens agents and operators use. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Manage bearer tokens: over the HTTP API with an admin token (--server, --token or"
          + " BATON_TOKEN), or straight to the tokens topic with Kafka access (--bootstrap)."
    },
    subcommands = {TokenCreateCommand.class, TokenListCommand.class, TokenRevokeCommand.class})
public final class TokenCommand {}
