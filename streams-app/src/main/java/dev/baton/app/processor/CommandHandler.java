package dev.baton.app.processor;

import dev.baton.sdk.protocol.ParsedCommand;

/**
 * Applies one kind of valid command to its aggregate: reads and writes the processor's stores and
 * emits exactly one outcome for the command, plus one event per accepted change.
 */
public interface CommandHandler {
  void handle(ParsedCommand.Valid command, Emitter out);
}
