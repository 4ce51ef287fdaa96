package dev.baton.sdk.protocol;

/** How a lock is held. */
public enum LockMode {
  /** Shared: many holders at once; conflicts are caught at write time by version checks. */
  COLLABORATIVE,
  /** One holder; everyone else waits in the FIFO queue. */
  EXCLUSIVE;

  /**
   * Whether a holder in this mode and one in {@code other} can hold the lock at once.
   *
   * @param other the other mode
   * @return true only when both are collaborative
   */
  public boolean compatibleWith(LockMode other) {
    return this == COLLABORATIVE && other == COLLABORATIVE;
  }
}
