package dev.baton.app.agent.mcp;

import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Fence;

/**
 * The optional guards of a task write as tool arguments: {@code expectedVersion}, {@code fence}
 * (the token of the caller's grant on {@code task/<id>}) and {@code release} (hand the lock on with
 * the write when it is accepted; needs {@code fence}).
 */
final class TaskGuards {
  static final String SCHEMA =
      "\"expectedVersion\":{\"type\":\"integer\",\"minimum\":1,"
          + "\"description\":\"reject with VERSION_CONFLICT if the touched fields changed since\"},"
          + "\"fence\":{\"type\":\"integer\",\"minimum\":1,"
          + "\"description\":\"token of your lock on task/<id>\"},"
          + "\"release\":{\"type\":\"boolean\",\"description\":\"release that lock with the write\"}";

  private TaskGuards() {}

  static WriteOptions options(ToolArgs args, String taskId) {
    WriteOptions options = WriteOptions.NONE;
    Long expected = args.optLong("expectedVersion", 1, Long.MAX_VALUE);
    if (expected != null) {
      options = WriteOptions.expecting(expected);
    }
    Long fence = args.optLong("fence", 1, Long.MAX_VALUE);
    if (fence != null) {
      options = options.withFence(new Fence(AggregateKeys.TASK_RESOURCE_PREFIX + taskId, fence));
    }
    if (args.flag("release")) {
      if (fence == null) {
        throw ToolFailure.invalid("release needs fence: the token of your lock on task/" + taskId);
      }
      options = options.withRelease();
    }
    return options;
  }
}
