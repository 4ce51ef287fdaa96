package dev.baton.sdk;

/** Base of the SDK's exceptions; {@link #retriable()} says whether trying again can help. */
public class BatonException extends RuntimeException {
  /** Serialization version. */
  private static final long serialVersionUID = 1L;

  /** Whether trying again can help. */
  private final boolean retriable;

  /**
   * A failure.
   *
   * @param message what failed, naming the thing and the value
   * @param retriable whether trying again can help
   * @param cause the underlying failure, or null
   */
  public BatonException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  /**
   * Whether trying again can help.
   *
   * @return whether trying again (with the same command id) can help
   */
  public boolean retriable() {
    return retriable;
  }
}
