package dev.baton.app.processor;

import dev.baton.sdk.protocol.ParsedCommand;
import java.time.Instant;

/**
 * Decides one kind of valid command: reads the read-only processing state it was built with and
 * returns a {@link Verdict} holding exactly one outcome for the command, plus one event per
 * accepted change. It writes nothing; a refusal of bad input may throw {@link
 * dev.baton.sdk.protocol.InvalidCommandException}.
 */
@FunctionalInterface
public interface CommandHandler {
  Verdict handle(ParsedCommand.Valid command, Instant now);
}
