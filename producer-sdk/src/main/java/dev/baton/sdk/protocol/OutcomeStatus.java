package dev.baton.sdk.protocol;

/** What happened to a command. */
public enum OutcomeStatus {
  /** The command was applied. */
  ACCEPTED,
  /** The command was refused; {@link Outcome#code()} says why and nothing changed. */
  REJECTED,
  /** A lock request waits in the resource's FIFO queue; a later outcome will grant or expire it. */
  QUEUED,
  /** A lock was granted (immediately or after queueing). */
  GRANTED,
  /** The command id was seen before; the outcome repeats the first one's code and state. */
  DUPLICATE;

  /**
   * Whether the command took effect (a duplicate took effect when its original did).
   *
   * @return true for accepted, granted and queued
   */
  public boolean isSuccess() {
    return this == ACCEPTED || this == GRANTED || this == QUEUED;
  }
}
