package dev.baton.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Body of {@code PATCH /v1/tasks/{workspace}/{id}}, in either of two shapes:
 *
 * <pre>
 * {"expectedVersion": 3, "patch": {"title": "New title", "fields": {"x": 1}}}
 * {"expectedVersion": 3, "title": "New title", "fields": {"x": 1}}
 * </pre>
 *
 * With a {@code patch} object, no other top-level field than {@code expectedVersion} is allowed;
 * without one, every top-level field except {@code expectedVersion} is the patch. {@code
 * expectedVersion} is optional (an unconditional write without it).
 */
public record UpdateTaskRequest(Long expectedVersion, ObjectNode patch) {
  static final String EXPECTED_VERSION = "expectedVersion";
  static final String PATCH = "patch";

  static UpdateTaskRequest from(JsonNode body) {
    if (!(body instanceof ObjectNode object)) {
      throw ApiError.invalid("request body must be a JSON object");
    }
    Long expectedVersion = expectedVersion(object.get(EXPECTED_VERSION));
    ObjectNode patch;
    if (object.has(PATCH)) {
      if (!(object.get(PATCH) instanceof ObjectNode inner)) {
        throw ApiError.invalid("field 'patch' must be an object of the fields to change");
      }
      List<String> others = new ArrayList<>();
      object.fieldNames().forEachRemaining(others::add);
      others.remove(EXPECTED_VERSION);
      others.remove(PATCH);
      if (!others.isEmpty()) {
        throw ApiError.invalid(
            "put the fields to change either inside 'patch' or at the top level, not both;"
                + " found 'patch' and "
                + others);
      }
      patch = inner;
    } else {
      patch = object.deepCopy();
      patch.remove(EXPECTED_VERSION);
    }
    if (patch.isEmpty()) {
      throw ApiError.invalid("the patch must name at least one field to change");
    }
    return new UpdateTaskRequest(expectedVersion, patch);
  }

  private static Long expectedVersion(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw ApiError.invalid("field 'expectedVersion' must be an integer, got " + value);
    }
    return value.longValue();
  }
}
