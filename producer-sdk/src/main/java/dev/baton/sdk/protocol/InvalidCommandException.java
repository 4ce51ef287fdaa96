package dev.baton.sdk.protocol;

/**
 * A command breaks the protocol (missing or wrong-typed field, bad id, limit exceeded). Retrying
 * the same command cannot help. The message names the field and the value.
 */
public final class InvalidCommandException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidCommandException(String message) {
    super(message);
  }

  public InvalidCommandException(String message, Throwable cause) {
    super(message, cause);
  }
}
