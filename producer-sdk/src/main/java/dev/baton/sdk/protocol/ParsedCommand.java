package dev.baton.sdk.protocol;

/** The result of reading a command record: a valid command, or why it is not one. */
public sealed interface ParsedCommand {

  /** A well-formed envelope with a well-formed body addressed to {@code key}. */
  record Valid(Command command, Object body, String key) implements ParsedCommand {}

  /**
   * An unusable record. {@code commandId} and {@code replyTo} are filled when they could still be
   * read, so the sender can be told; otherwise only a {@code command.rejected} event can say it.
   */
  record Invalid(String commandId, CommandType type, ReplyTo replyTo, String message)
      implements ParsedCommand {}
}
