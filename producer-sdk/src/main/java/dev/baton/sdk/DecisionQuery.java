package dev.baton.sdk;

/**
 * Which decisions {@link DecisionOperations#list(DecisionQuery)} returns: those of the client's
 * workspace, optionally of one task or one status, newest first, a page at a time.
 *
 * @param task only decisions recorded for this task; null for any
 * @param status only decisions in this status; null for any
 * @param limit at most this many (1..500); null for the server's default (50)
 * @param before only decisions numbered below this: the {@link DecisionPage#next()} of the previous
 *     page; null for the first page
 */
public record DecisionQuery(String task, DecisionStatus status, Integer limit, Long before) {

  /**
   * Every decision, first page.
   *
   * @return the query
   */
  public static DecisionQuery all() {
    return new DecisionQuery(null, null, null, null);
  }

  /**
   * This query for the decisions of one task only.
   *
   * @param task the task id
   * @return the narrower query
   */
  public DecisionQuery withTask(String task) {
    return new DecisionQuery(task, status, limit, before);
  }

  /**
   * This query for one status only.
   *
   * @param status the status
   * @return the narrower query
   */
  public DecisionQuery withStatus(DecisionStatus status) {
    return new DecisionQuery(task, status, limit, before);
  }

  /**
   * This query with a page size.
   *
   * @param limit 1..500
   * @return the query
   */
  public DecisionQuery withLimit(int limit) {
    return new DecisionQuery(task, status, limit, before);
  }

  /**
   * This query for the page of decisions numbered below {@code number}.
   *
   * @param number a {@link DecisionPage#next()}
   * @return the query
   */
  public DecisionQuery before(long number) {
    return new DecisionQuery(task, status, limit, number);
  }
}
