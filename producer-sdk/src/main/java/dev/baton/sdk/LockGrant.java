package dev.baton.sdk;

import dev.baton.sdk.protocol.Fence;
import dev.baton.sdk.protocol.LockMode;
import java.time.Instant;

/**
 * A granted lock. Present {@link #fence()} with task writes so that a write made after the lock was
 * lost is rejected ({@code FENCED}) instead of trampling the next holder's work.
 */
public record LockGrant(
    String resource, String key, LockMode mode, long token, Instant leaseDeadline) {
  public Fence fence() {
    return new Fence(resource, token);
  }
}
