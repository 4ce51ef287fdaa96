package dev.baton.sdk;

/**
 * No outcome arrived in time. The command may or may not have been applied; retrying with the same
 * command id is safe (it returns the first outcome).
 */
public final class BatonTimeoutException extends BatonException {
  private static final long serialVersionUID = 1L;
  private final String commandId;

  public BatonTimeoutException(String commandId, long timeoutMs) {
    super("no outcome for command " + commandId + " within " + timeoutMs + " ms", true, null);
    this.commandId = commandId;
  }

  public String commandId() {
    return commandId;
  }
}
