package dev.baton.sdk;

import dev.baton.sdk.protocol.Fence;

/**
 * Optional guards of a task write.
 *
 * @param expectedVersion reject with {@code VERSION_CONFLICT} unless the touched fields are
 *     unchanged since this version; null for an unconditional write
 * @param fence present the fencing token of a held lock; null for none
 * @param commandId reuse an id to retry a command idempotently; null for a fresh one
 * @param releaseLock release the grant {@code fence} names in the same command, if and only if the
 *     write is accepted ({@code "release": true} on the wire); needs a fence. The client then stops
 *     renewing that lock and forgets it. Only {@link TaskOperations#update}, {@link
 *     TaskOperations#claim} and {@link TaskOperations#transition} honour it.
 */
public record WriteOptions(
    Long expectedVersion, Fence fence, String commandId, boolean releaseLock) {
  /** No guards, a fresh command id. */
  public static final WriteOptions NONE = new WriteOptions(null, null, null, false);

  /**
   * Guards without a release.
   *
   * @param expectedVersion the version guard, or null
   * @param fence the fence, or null
   * @param commandId the command id, or null
   */
  public WriteOptions(Long expectedVersion, Fence fence, String commandId) {
    this(expectedVersion, fence, commandId, false);
  }

  /**
   * Guarded by a version.
   *
   * @param version the version the write was made against
   * @return the options
   */
  public static WriteOptions expecting(long version) {
    return new WriteOptions(version, null, null, false);
  }

  /**
   * A write fenced by {@code grant} that also releases it when accepted.
   *
   * @param grant the held lock
   * @return the options
   */
  public static WriteOptions releasing(LockGrant grant) {
    return NONE.withFence(grant.fence()).withRelease();
  }

  /**
   * These options fenced.
   *
   * @param fence the fence of a held lock
   * @return these options with it
   */
  public WriteOptions withFence(Fence fence) {
    return new WriteOptions(expectedVersion, fence, commandId, releaseLock);
  }

  /**
   * These options with a command id.
   *
   * @param commandId the id to send, and to reuse on a retry
   * @return these options with it
   */
  public WriteOptions withCommandId(String commandId) {
    return new WriteOptions(expectedVersion, fence, commandId, releaseLock);
  }

  /**
   * Also release the fenced lock when the write is accepted (see {@link #releaseLock()}).
   *
   * @return these options with the release
   */
  public WriteOptions withRelease() {
    return new WriteOptions(expectedVersion, fence, commandId, true);
  }
}
