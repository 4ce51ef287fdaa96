package dev.baton.sdk;

import dev.baton.sdk.protocol.Fence;

/**
 * Optional guards of a task write.
 *
 * @param expectedVersion reject with {@code VERSION_CONFLICT} unless the touched fields are
 *     unchanged since this version; null for an unconditional write
 * @param fence present the fencing token of a held lock; null for none
 * @param commandId reuse an id to retry a command idempotently; null for a fresh one
 */
public record WriteOptions(Long expectedVersion, Fence fence, String commandId) {
  public static final WriteOptions NONE = new WriteOptions(null, null, null);

  public static WriteOptions expecting(long version) {
    return new WriteOptions(version, null, null);
  }

  public WriteOptions withFence(Fence fence) {
    return new WriteOptions(expectedVersion, fence, commandId);
  }

  public WriteOptions withCommandId(String commandId) {
    return new WriteOptions(expectedVersion, fence, commandId);
  }
}
