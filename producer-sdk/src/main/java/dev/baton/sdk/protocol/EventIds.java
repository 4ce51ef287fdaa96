package dev.baton.sdk.protocol;

/**
 * The one place event ids are made, in the forms {@code docs/protocol.md} documents. Ids are unique
 * per event, so a consumer that sees one twice (a replayed log, a retried export) can drop the
 * repeat.
 */
public final class EventIds {
  private EventIds() {}

  /** The {@code n}-th event (from 0) a command caused: {@code <commandId>:<n>}. */
  public static String ofCommand(String commandId, int n) {
    return commandId + ":" + n;
  }

  /** A queued lock request granted later: {@code <requestId>:granted}. */
  public static String granted(String requestId) {
    return requestId + ":granted";
  }

  /**
   * The lease of the grant {@code token} of a request ran out: {@code <requestId>:expired:<token>}.
   */
  public static String leaseExpired(String requestId, long token) {
    return requestId + ":expired:" + token;
  }

  /** A queued lock request's wait ran out: {@code <requestId>:wait_expired}. */
  public static String waitExpired(String requestId) {
    return requestId + ":wait_expired";
  }

  /**
   * An unreadable record at {@code topic}/{@code partition}/{@code offset}: {@code
   * rejected:<topic>-<partition>@<offset>}.
   */
  public static String rejected(String topic, int partition, long offset) {
    return "rejected:" + topic + "-" + partition + "@" + offset;
  }

  /**
   * An unreadable record whose position is not known (it never came from a topic): {@code
   * rejected:<key>@<epoch millis>}.
   */
  public static String rejected(String key, long atMillis) {
    return "rejected:" + key + "@" + atMillis;
  }
}
