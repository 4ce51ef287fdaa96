package dev.baton.sdk.protocol;

import dev.baton.sdk.BatonException;

/**
 * A command breaks the protocol (missing or wrong-typed field, bad id, limit exceeded). Retrying
 * the same command cannot help ({@link #retriable()} is false). The message names the field and the
 * value.
 */
public final class InvalidCommandException extends BatonException {
  private static final long serialVersionUID = 1L;

  /**
   * An invalid command.
   *
   * @param message what is wrong, naming the field and value
   */
  public InvalidCommandException(String message) {
    super(message, false, null);
  }

  /**
   * An invalid command, found through another error.
   *
   * @param message what is wrong, naming the field and value
   * @param cause the error that showed it
   */
  public InvalidCommandException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
