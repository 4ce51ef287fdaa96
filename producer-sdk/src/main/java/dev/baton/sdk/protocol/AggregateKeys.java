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
  public static final String DEFAULT_WORKSPACE = "default";
  public static final String TASK_RESOURCE_PREFIX = "task/";

  private AggregateKeys() {}

  public static String task(String workspace, String taskId) {
    return workspace + "/task/" + taskId;
  }

  public static String lock(String workspace, String resource) {
    if (resource.startsWith(TASK_RESOURCE_PREFIX)) {
      return task(workspace, resource.substring(TASK_RESOURCE_PREFIX.length()));
    }
    return workspace + "/lock/" + resource;
  }

  public static String decisions(String workspace) {
    return workspace + "/decisions";
  }

  public static String agent(String workspace, String agent) {
    return workspace + "/agent/" + agent;
  }

  /** The prefix every task key of {@code workspace} starts with. */
  public static String taskPrefix(String workspace) {
    return workspace + "/task/";
  }

  /** The workspace part of any aggregate key. */
  public static String workspaceOf(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? key : key.substring(0, slash);
  }
}
