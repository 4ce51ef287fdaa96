package dev.baton.sdk;

/**
 * No outcome arrived in time. The command may or may not have been applied; retrying with the same
 * command id is safe (it returns the first outcome).
 */
public final class BatonTimeoutException extends BatonException {
  /** Serialization version. */
  private static final long serialVersionUID = 1L;

  /** The unanswered command. */
  private final String commandId;

  /**
   * No outcome for {@code commandId} within {@code timeoutMs}.
   *
   * @param commandId the unanswered command
   * @param timeoutMs how long the client waited
   */
  public BatonTimeoutException(String commandId, long timeoutMs) {
    super("no outcome for command " + commandId + " within " + timeoutMs + " ms", true, null);
    this.commandId = commandId;
  }

  /**
   * The unanswered command.
   *
   * @return the id to retry with
   */
  public String commandId() {
    return commandId;
  }
}
