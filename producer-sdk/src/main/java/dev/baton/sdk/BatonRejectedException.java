package dev.baton.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;

/**
 * The topology refused a command. Carries the outcome: its {@link #code()}, the message and the
 * aggregate's {@link #currentState()}, so the agent can rebase and retry (for {@code
 * VERSION_CONFLICT}, {@code LOCKED}) or give up.
 */
public final class BatonRejectedException extends BatonException {
  /** Serialization version. */
  private static final long serialVersionUID = 1L;

  private final transient Outcome outcome;

  /**
   * A rejection; retriable when its code is.
   *
   * @param outcome the rejection
   */
  public BatonRejectedException(Outcome outcome) {
    super(
        outcome.code() + ": " + outcome.message(),
        outcome.code() != null && outcome.code().retriable(),
        null);
    this.outcome = outcome;
  }

  /**
   * The rejection.
   *
   * @return the outcome as the topology wrote it
   */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Why.
   *
   * @return e.g. {@code VERSION_CONFLICT}, {@code LOCKED}, {@code FENCED}
   */
  public OutcomeCode code() {
    return outcome.code();
  }

  /**
   * The aggregate's current state (task or lock), or null when it does not exist.
   *
   * @return the task or lock, or null
   */
  public JsonNode currentState() {
    return outcome.state();
  }

  /**
   * The aggregate's current version, or null when it does not exist.
   *
   * @return the version, or null
   */
  public Long currentVersion() {
    return outcome.version();
  }
}
