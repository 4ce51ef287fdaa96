package dev.baton.app.agent.hooks;

/**
 * A hook request that is malformed (answered 400 {@code INVALID}, naming the field) as opposed to
 * an edit that is denied. Either way nothing is locked.
 */
final class HookRejection extends RuntimeException {
  private static final long serialVersionUID = 1L;

  HookRejection(String message) {
    super(message, null, false, false);
  }
}
