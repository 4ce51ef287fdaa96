package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Fence;
import java.util.List;

/**
 * The optional guards of a task write over HTTP, read from the request body next to what the write
 * changes:
 *
 * <ul>
 *   <li>{@code expectedVersion}: reject with {@code VERSION_CONFLICT} unless the touched fields are
 *       unchanged since this version;
 *   <li>{@code fenceToken}: the token of the task's lock ({@code task/<id>}) the writer holds; the
 *       write is {@code FENCED} unless that grant is still the writer's;
 *   <li>{@code release}: {@code true} releases that lock with the write, when it is accepted (needs
 *       {@code fenceToken}; see "Write and release" in {@code docs/protocol.md}).
 * </ul>
 *
 * <p>Only a task's own lock can fence its writes, so the token is all HTTP needs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskWriteGuards(
    Long expectedVersion,
    Long fenceToken,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean release) {
  static final String EXPECTED_VERSION = "expectedVersion";
  static final String FENCE_TOKEN = "fenceToken";
  static final String RELEASE = "release";

  /** The body fields that are guards, not part of what the write changes. */
  static final List<String> FIELDS = List.of(EXPECTED_VERSION, FENCE_TOKEN, RELEASE);

  static final TaskWriteGuards NONE = new TaskWriteGuards(null, null, false);

  public TaskWriteGuards {
    if (fenceToken != null && fenceToken < 1) {
      throw ApiError.invalid(
          "field 'fenceToken' must be a lock token (1 or more), got " + fenceToken);
    }
    if (release && fenceToken == null) {
      throw ApiError.invalid(
          "field 'release' needs 'fenceToken': only the holder of the task's lock, naming its"
              + " token, can release it with a write");
    }
  }

  /** Reads the guards among the fields of {@code body}. */
  static TaskWriteGuards from(ObjectNode body) {
    return new TaskWriteGuards(
        integer(body.get(EXPECTED_VERSION), EXPECTED_VERSION),
        integer(body.get(FENCE_TOKEN), FENCE_TOKEN),
        bool(body.get(RELEASE)));
  }

  /** The guards of a typed request body (claim, transition); absent fields are null. */
  public static TaskWriteGuards of(Long expectedVersion, Long fenceToken, Boolean release) {
    return new TaskWriteGuards(expectedVersion, fenceToken, Boolean.TRUE.equals(release));
  }

  /** {@code release} as a request body field: {@code true}, or absent. */
  @JsonIgnore
  Boolean releaseOrNull() {
    return release ? Boolean.TRUE : null;
  }

  /** The SDK options for a write of task {@code taskId}. */
  WriteOptions options(String taskId) {
    Fence fence =
        fenceToken == null
            ? null
            : new Fence(AggregateKeys.TASK_RESOURCE_PREFIX + taskId, fenceToken);
    return new WriteOptions(expectedVersion, fence, null, release);
  }

  private static Long integer(JsonNode value, String name) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw ApiError.invalid("field '" + name + "' must be an integer, got " + value);
    }
    return value.longValue();
  }

  private static boolean bool(JsonNode value) {
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw ApiError.invalid("field 'release' must be true or false, got " + value);
    }
    return value.booleanValue();
  }
}
