package dev.baton.sdk.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Reads and writes command envelopes. {@link #parse(byte[])} never throws: whatever the bytes, it
 * returns a {@link ParsedCommand}, salvaging the command id and reply routing from a broken command
 * when it can, so the topology can always answer.
 */
public final class CommandCodec {
  /** Unknown envelope fields are errors: a misspelt {@code expectedVersion} must not vanish. */
  private static final ObjectReader STRICT =
      Json.mapper()
          .readerFor(Command.class)
          .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private CommandCodec() {}

  /**
   * Serialises a command for {@code baton.commands}.
   *
   * @param command the command
   * @return its JSON bytes
   */
  public static byte[] write(Command command) {
    try {
      return Json.mapper().writeValueAsBytes(command);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise command " + command.id(), e);
    }
  }

  /**
   * Reads a command record strictly; never throws for bad input.
   *
   * @param bytes the record's value
   * @return the command, or an {@code Invalid} saying what is wrong
   */
  public static ParsedCommand parse(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return new ParsedCommand.Invalid(null, null, null, "empty record: no command envelope");
    }
    if (bytes.length > Json.MAX_DOCUMENT_BYTES) {
      return new ParsedCommand.Invalid(
          null,
          null,
          null,
          "command is " + bytes.length + " bytes, the limit is " + Json.MAX_DOCUMENT_BYTES);
    }
    JsonNode tree;
    try {
      tree = Json.mapper().readTree(bytes);
    } catch (IOException e) {
      return new ParsedCommand.Invalid(
          null, null, null, "command is not valid JSON: " + JsonErrors.describe(e));
    }
    return parse(tree);
  }

  /**
   * Validates an already-read tree (the HTTP gateway reads bodies itself).
   *
   * @param tree the command JSON
   * @return the command, or an {@code Invalid} saying what is wrong
   */
  public static ParsedCommand parse(JsonNode tree) {
    if (!(tree instanceof ObjectNode object)) {
      return new ParsedCommand.Invalid(null, null, null, "command must be a JSON object");
    }
    String id = textOrNull(object, "id");
    ReplyTo replyTo = salvageReplyTo(object);
    CommandType type =
        textOrNull(object, "type") == null
            ? null
            : CommandType.fromWire(textOrNull(object, "type")).orElse(null);
    try {
      if (id != null) {
        Names.checkId("id", id);
      }
    } catch (InvalidCommandException e) {
      return new ParsedCommand.Invalid(null, type, replyTo, e.getMessage());
    }
    try {
      Command command = STRICT.treeToValue(object, Command.class);
      Command normalized = validateEnvelope(command);
      StorableText.check("body", normalized.body());
      Object body = CommandBodies.read(normalized);
      return new ParsedCommand.Valid(normalized, body, CommandBodies.keyOf(normalized, body));
    } catch (InvalidCommandException e) {
      return new ParsedCommand.Invalid(id, type, replyTo, e.getMessage());
    } catch (UnrecognizedPropertyException e) {
      return new ParsedCommand.Invalid(
          id,
          type,
          replyTo,
          "unknown field '" + Names.printable(e.getPropertyName()) + "' in the command envelope");
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return new ParsedCommand.Invalid(
          id, type, replyTo, "command envelope is malformed: " + JsonErrors.describe(e));
    }
  }

  private static Command validateEnvelope(Command c) {
    Names.checkId("id", c.id());
    if (c.type() == null) {
      throw new InvalidCommandException("type is missing");
    }
    Names.checkId("agent", c.agent());
    String workspace = c.workspace() == null ? AggregateKeys.DEFAULT_WORKSPACE : c.workspace();
    Names.checkId("workspace", workspace);
    if (c.expectedVersion() != null && c.expectedVersion() < 1) {
      throw new InvalidCommandException("expectedVersion must be >= 1, got " + c.expectedVersion());
    }
    if (c.fence() != null) {
      Names.checkResource("fence.resource", c.fence().resource());
      if (c.fence().token() < 1) {
        throw new InvalidCommandException("fence.token must be >= 1, got " + c.fence().token());
      }
    }
    if (c.replyTo() != null && c.replyTo().partition() < 0) {
      throw new InvalidCommandException(
          "replyTo.partition must be >= 0, got " + c.replyTo().partition());
    }
    return new Command(
        c.id(),
        c.type(),
        workspace,
        c.agent(),
        c.issuedAt(),
        c.expectedVersion(),
        c.fence(),
        c.replyTo(),
        c.body());
  }

  private static String textOrNull(ObjectNode object, String field) {
    JsonNode node = object.get(field);
    return node != null && node.isTextual() ? node.asText() : null;
  }

  private static ReplyTo salvageReplyTo(ObjectNode object) {
    JsonNode node = object.path("replyTo").path("partition");
    return node.isInt() && node.asInt() >= 0 ? new ReplyTo(node.asInt()) : null;
  }
}
