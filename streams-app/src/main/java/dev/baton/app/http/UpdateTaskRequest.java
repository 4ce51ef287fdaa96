package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
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
 * With a {@code patch} object, no other top-level field than the guards ({@code expectedVersion},
 * {@code fenceToken}, {@code release}) is allowed; without one, every top-level field except the
 * guards is the patch. Every guard is optional (see {@link TaskWriteGuards}).
 */
public record UpdateTaskRequest(@JsonUnwrapped TaskWriteGuards guards, ObjectNode patch) {
  static final String PATCH = "patch";

  static UpdateTaskRequest from(JsonNode body) {
    if (!(body instanceof ObjectNode object)) {
      throw ApiError.invalid("request body must be a JSON object");
    }
    TaskWriteGuards guards = TaskWriteGuards.from(object);
    ObjectNode patch;
    if (object.has(PATCH)) {
      if (!(object.get(PATCH) instanceof ObjectNode inner)) {
        throw ApiError.invalid("field 'patch' must be an object of the fields to change");
      }
      List<String> others = new ArrayList<>();
      object.fieldNames().forEachRemaining(others::add);
      others.removeAll(TaskWriteGuards.FIELDS);
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
      patch.remove(TaskWriteGuards.FIELDS);
    }
    if (patch.isEmpty()) {
      throw ApiError.invalid("the patch must name at least one field to change");
    }
    return new UpdateTaskRequest(guards, patch);
  }

  /** The version this change is based on, or null. */
  public Long expectedVersion() {
    return guards.expectedVersion();
  }
}
