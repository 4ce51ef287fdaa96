package dev.baton.sdk.protocol;

/** How a lock is held. */
public enum LockMode {
  /** Shared: many holders at once; conflicts are caught at write time by version checks. */
  COLLABORATIVE,
  /** One holder; everyone else waits in the FIFO queue. */
  EXCLUSIVE;

  public boolean compatibleWith(LockMode other) {
    return this == COLLABORATIVE && other == COLLABORATIVE;
  }
}
