package dev.baton.app.processor;

import java.time.Instant;

/** Decides what one due entry of the deadline index means (a lease or a wait that ran out). */
@FunctionalInterface
public interface ExpiryHandler {
  /** The verdict; empty when the entry no longer matches what it was for. */
  Verdict expire(String id, Instant now);
}
