package dev.baton.sdk;

/** Base of the SDK's exceptions; {@link #retriable()} says whether trying again can help. */
public class BatonException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean retriable;

  public BatonException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }
}
