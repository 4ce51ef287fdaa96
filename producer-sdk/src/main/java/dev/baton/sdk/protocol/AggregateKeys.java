package dev.baton.sdk.protocol;

/**
 * Aggregate keys: the Kafka record key of every command and event, and so the unit of ordering and
 * of single-writer processing.
 *
 * <ul>
 *   <li>{@code <workspace>/task/<taskId>}: a task, and any lock on resource {@code task/<taskId>}
 *       (same key, same partition, so one processor enforces the lock on task writes);
 *   <li>{@code <workspace>/lock/<resource>}: a lock on anything else (a file, a branch);
 *   <li>{@code <workspace>/decisions}: the workspace's decision log (numbered in one place);
 *   <li>{@code <workspace>/agent/<agent>}: free-form agent events.
 * </ul>
 */
public final class AggregateKeys {
  /** The workspace of clients and commands that name none. */
  public static final String DEFAULT_WORKSPACE = "default";

  /** A lock resource starting with this locks a task and shares the task's key. */
  public static final String TASK_RESOURCE_PREFIX = "task/";

  private AggregateKeys() {}

  /**
   * A task's key.
   *
   * @param workspace the workspace
   * @param taskId the task id
   * @return {@code <workspace>/task/<id>}
   */
  public static String task(String workspace, String taskId) {
    return workspace + "/task/" + taskId;
  }

  /**
   * A lock's key: the task's key for {@code task/<id>}, else {@code <workspace>/lock/<resource>}.
   *
   * @param workspace the workspace
   * @param resource the locked resource
   * @return the key
   */
  public static String lock(String workspace, String resource) {
    if (resource.startsWith(TASK_RESOURCE_PREFIX)) {
      return task(workspace, resource.substring(TASK_RESOURCE_PREFIX.length()));
    }
    return workspace + "/lock/" + resource;
  }

  /**
   * The key of a workspace's decision log.
   *
   * @param workspace the workspace
   * @return {@code <workspace>/decisions}
   */
  public static String decisions(String workspace) {
    return workspace + "/decisions";
  }

  /**
   * The key of an agent's own events.
   *
   * @param workspace the workspace
   * @param agent the agent id
   * @return {@code <workspace>/agent/<agent>}
   */
  public static String agent(String workspace, String agent) {
    return workspace + "/agent/" + agent;
  }

  /**
   * The prefix every task key of {@code workspace} starts with.
   *
   * @param workspace the workspace
   * @return {@code <workspace>/task/}
   */
  public static String taskPrefix(String workspace) {
    return workspace + "/task/";
  }

  /**
   * The workspace part of any aggregate key.
   *
   * @param key an aggregate key
   * @return the text before the first {@code /} (all of it when there is none)
   */
  public static String workspaceOf(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? key : key.substring(0, slash);
  }
}
