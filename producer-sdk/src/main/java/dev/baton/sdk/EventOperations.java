package dev.baton.sdk;

/**
 * Following the events of the client's workspace, as {@code GET /v1/events/{workspace}} does over
 * HTTP, with the same filter and the same cursors (a cursor from one works in the other).
 *
 * <pre>{@code
 * try (EventSubscription s = baton.events().subscribe(
 *     EventFilter.all().resource("src/A.java"), savedCursor,
 *     (event, cursor) -> { handle(event); save(cursor); })) {
 *   ...
 * }
 * }</pre>
 */
public interface EventOperations {
  /**
   * Starts delivering the events that pass {@code filter}, committed after {@code from}: a cursor
   * from an earlier delivery, {@code "beginning"} for the oldest retained event, or null for only
   * events committed from now on. Events arrive one call at a time, in log order per aggregate key;
   * the subscription reconnects by itself and resumes from its cursor. The listener runs on the
   * client's callback executor (see {@link EventListener}); {@link BatonClient#watch} is this with
   * {@code from} null.
   *
   * @param filter which events; null for every event of the workspace
   * @param from a cursor, {@code "beginning"}, or null for from now on
   * @param listener told of each event, and of expiry
   * @return the running subscription; close it to stop
   * @throws BatonException when the client is closed or {@code baton.events} cannot be reached
   * @throws dev.baton.sdk.protocol.InvalidCommandException when {@code from} is not a cursor
   */
  EventSubscription subscribe(EventFilter filter, String from, EventListener listener);
}
