package dev.baton.app.feed;

import dev.baton.sdk.protocol.EventCursor;

/**
 * A cursor names a position that retention has removed: events between it and {@link #oldest()} are
 * gone. Retrying with the same cursor cannot help; the reader re-reads current state and goes on
 * from {@link #oldest()} (or from now).
 */
public final class CursorExpiredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient EventCursor oldest;

  public CursorExpiredException(String message, EventCursor oldest) {
    super(message, null, false, false);
    this.oldest = oldest;
  }

  /** The oldest cursor still readable: every partition at its first retained offset. */
  public EventCursor oldest() {
    return oldest;
  }
}
