package dev.baton.app.check;

/** The properties {@link HistoryChecker} checks; each {@link Violation} names one. */
public enum Invariant {
  /** A lock never has two {@code EXCLUSIVE} holders. */
  SINGLE_EXCLUSIVE("single-exclusive"),
  /** A lock never has {@code COLLABORATIVE} and {@code EXCLUSIVE} holders at once. */
  COMPATIBLE_HOLDERS("compatible-holders"),
  /**
   * No event lists a holder whose lease ran out more than the tolerance (one punctuation interval)
   * before the event.
   */
  LEASE_ALIVE("lease-alive"),
  /** Every new grant's fencing token is above every earlier token of the resource. */
  FENCING_MONOTONIC("fencing-monotonic"),
  /**
   * One FIFO queue per resource: waiters keep their order, new ones join at the tail, and no
   * request is granted while an earlier-queued request still waits.
   */
  FIFO("fifo"),
  /**
   * Versions rise by exactly one per key: the task's over {@code task.*} events, the lock's over
   * {@code lock.*} events; an event's version equals the version in its data.
   */
  VERSION_SEQUENCE("version-sequence"),
  /** Each key lives on one partition, under its own record key. */
  KEY_PLACEMENT("key-placement"),
  /** The record is an event and a lock event's data is a lock state. */
  READABLE("readable");

  private final String label;

  Invariant(String label) {
    this.label = label;
  }

  /** The short name used in reports, e.g. {@code fifo}. */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
