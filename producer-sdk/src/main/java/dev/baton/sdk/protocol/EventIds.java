package dev.baton.sdk.protocol;

/**
 * The one place event ids are made, in the forms {@code docs/protocol.md} documents. Ids are unique
 * per event, so a consumer that sees one twice (a replayed log, a retried export) can drop the
 * repeat.
 */
public final class EventIds {
  private EventIds() {}

  /**
   * The {@code n}-th event (from 0) a command caused.
   *
   * @param commandId the command
   * @param n the event's index among the command's events
   * @return {@code <commandId>:<n>}
   */
  public static String ofCommand(String commandId, int n) {
    return commandId + ":" + n;
  }

  /**
   * The grant of a lock request that waited in the queue.
   *
   * @param requestId the request's command id
   * @return {@code <requestId>:granted}
   */
  public static String granted(String requestId) {
    return requestId + ":granted";
  }

  /**
   * The lease of the grant {@code token} of a request ran out.
   *
   * @param requestId the request's command id
   * @param token the grant's fencing token
   * @return {@code <requestId>:expired:<token>}
   */
  public static String leaseExpired(String requestId, long token) {
    return requestId + ":expired:" + token;
  }

  /**
   * A queued lock request's wait ran out.
   *
   * @param requestId the request's command id
   * @return {@code <requestId>:wait_expired}
   */
  public static String waitExpired(String requestId) {
    return requestId + ":wait_expired";
  }

  /**
   * An unreadable record at a known position.
   *
   * @param topic the record's topic
   * @param partition its partition
   * @param offset its offset
   * @return {@code rejected:<topic>-<partition>@<offset>}
   */
  public static String rejected(String topic, int partition, long offset) {
    return "rejected:" + topic + "-" + partition + "@" + offset;
  }

  /**
   * An unreadable record whose position is not known (it never came from a topic).
   *
   * @param key its key
   * @param atMillis when it was read, in epoch milliseconds
   * @return {@code rejected:<key>@<atMillis>}
   */
  public static String rejected(String key, long atMillis) {
    return "rejected:" + key + "@" + atMillis;
  }
}
