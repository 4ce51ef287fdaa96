package dev.baton.sdk;

import dev.baton.sdk.protocol.TaskStatus;

/**
 * Which tasks {@link TaskOperations#list(TaskQuery)} returns: those of the client's workspace,
 * optionally only one status or assignee, in id order, a page at a time.
 *
 * @param status only tasks in this status; null for any
 * @param assignee only tasks claimed by this agent; null for any
 * @param limit at most this many (1..1000); null for the server's default (100)
 * @param after the {@link TaskPage#next()} cursor of the previous page; null for the first page
 */
public record TaskQuery(TaskStatus status, String assignee, Integer limit, String after) {

  /**
   * Every task, first page.
   *
   * @return the query
   */
  public static TaskQuery all() {
    return new TaskQuery(null, null, null, null);
  }

  /**
   * This query for one status only.
   *
   * @param status the status
   * @return the narrower query
   */
  public TaskQuery withStatus(TaskStatus status) {
    return new TaskQuery(status, assignee, limit, after);
  }

  /**
   * This query for one assignee only.
   *
   * @param assignee the agent
   * @return the narrower query
   */
  public TaskQuery withAssignee(String assignee) {
    return new TaskQuery(status, assignee, limit, after);
  }

  /**
   * This query with a page size.
   *
   * @param limit 1..1000
   * @return the query
   */
  public TaskQuery withLimit(int limit) {
    return new TaskQuery(status, assignee, limit, after);
  }

  /**
   * This query for the page after {@code cursor}.
   *
   * @param cursor a {@link TaskPage#next()}
   * @return the query
   */
  public TaskQuery after(String cursor) {
    return new TaskQuery(status, assignee, limit, cursor);
  }
}
