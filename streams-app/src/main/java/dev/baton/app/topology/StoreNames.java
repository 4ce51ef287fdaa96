package dev.baton.app.topology;

/** Names of the topology's state stores, declared once. */
public final class StoreNames {
  /** Aggregate key -> {@code Task}. */
  public static final String TASKS = "tasks";

  /** Aggregate key -> {@code LockState}. */
  public static final String LOCKS = "locks";

  /** Command id -> first {@code Outcome}: answers retries with the same id. */
  public static final String COMMAND_OUTCOMES = "command-outcomes";

  /**
   * Command id of a queued lock request -> the reply partitions of its retries ({@code
   * RetryRoutes.Routes}), where its later outcome goes too.
   */
  public static final String REPLY_ROUTES = "reply-routes";

  /**
   * Deadline index: {@code <deadline as 16 hex digits>|<kind>|<id>} -> nothing. Ordered by time, so
   * the expiry punctuator reads only what is due. Kinds: {@code lease} and {@code wait} (kept with
   * the locks by their applier), {@code cmd} (a remembered command id to forget).
   */
  public static final String DEADLINES = "deadlines";

  /** {@code <ws>/decisions} -> the workspace's last decision number. */
  public static final String DECISIONS = "decisions";

  private StoreNames() {}
}
