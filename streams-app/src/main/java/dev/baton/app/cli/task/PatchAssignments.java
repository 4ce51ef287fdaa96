package dev.baton.app.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.TaskField;
import java.io.IOException;
import java.util.List;

/**
 * Turns {@code --set FIELD=VALUE} arguments into a task patch. VALUE is read as JSON when it is
 * valid JSON ({@code 3}, {@code true}, {@code null}, {@code ["a","b"]}, {@code "quoted"}) and as a
 * plain string otherwise. {@code fields.NAME=VALUE} sets one key of the free-form {@code fields}
 * object ({@code null} removes it).
 */
final class PatchAssignments {
  static final String FIELDS_PREFIX = TaskField.FIELDS.wire() + ".";

  private PatchAssignments() {}

  /**
   * @throws IllegalArgumentException naming the bad assignment
   */
  static ObjectNode patch(List<String> assignments) {
    ObjectNode patch = Json.mapper().createObjectNode();
    for (String assignment : assignments) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set expects FIELD=VALUE, got '" + assignment + "'");
      }
      String field = assignment.substring(0, eq);
      JsonNode value = value(assignment.substring(eq + 1));
      if (field.startsWith(FIELDS_PREFIX)) {
        String name = field.substring(FIELDS_PREFIX.length());
        if (name.isEmpty()) {
          throw new IllegalArgumentException("--set " + field + " names no key of fields");
        }
        ObjectNode fields = fieldsOf(patch);
        if (fields.has(name)) {
          throw new IllegalArgumentException("--set sets " + field + " twice");
        }
        fields.set(name, value);
      } else {
        if (!TaskField.PATCHABLE.contains(field)) {
          throw new IllegalArgumentException(
              "--set cannot change '"
                  + field
                  + "'; it can change "
                  + TaskField.PATCHABLE
                  + " and fields.NAME");
        }
        if (patch.has(field)) {
          throw new IllegalArgumentException("--set sets " + field + " twice");
        }
        patch.set(field, value);
      }
    }
    return patch;
  }

  /** VALUE as JSON when it parses, else as a string. */
  static JsonNode value(String raw) {
    try {
      JsonNode parsed = Json.mapper().readTree(raw);
      return parsed == null || parsed.isMissingNode() ? TextNode.valueOf(raw) : parsed;
    } catch (IOException e) {
      return TextNode.valueOf(raw);
    }
  }

  private static ObjectNode fieldsOf(ObjectNode patch) {
    JsonNode fields = patch.get(TaskField.FIELDS.wire());
    if (fields == null) {
      return patch.putObject(TaskField.FIELDS.wire());
    }
    if (!(fields instanceof ObjectNode object)) {
      throw new IllegalArgumentException("--set fields=... must be a JSON object to add keys to");
    }
    return object;
  }
}
