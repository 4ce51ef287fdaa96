package dev.baton.app.http;

import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Names;
import dev.baton.sdk.protocol.TaskStatus;
import io.javalin.http.Context;
import java.util.Arrays;

/**
 * Task reads from the local state stores: {@code GET /v1/tasks/{workspace}/{id}} and {@code GET
 * /v1/tasks?workspace=&status=&assignee=&limit=&after=}.
 *
 * <p>Single node for now: a key owned by another instance is answered with 503 naming the owner
 * rather than forwarded, and a listing covers only the partitions this instance hosts.
 */
final class TaskQueryResource {
  private final TaskQueries queries;

  TaskQueryResource(TaskQueries queries) {
    this.queries = queries;
  }

  void get(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String id = Requests.pathId(ctx, "id");
    TaskQueries.Lookup lookup = queries.get(workspace, id);
    String key = AggregateKeys.task(workspace, id);
    if (lookup instanceof TaskQueries.Found found) {
      ctx.json(found.task());
    } else if (lookup instanceof TaskQueries.Remote remote) {
      throw ApiError.unavailable(
          "task "
              + key
              + " is served by "
              + remote.owner()
              + "; this node does not forward"
              + " queries, ask that node",
          1);
    } else {
      throw ApiError.notFound("task " + key + " does not exist");
    }
  }

  void list(Context ctx) {
    String workspace = ctx.queryParam("workspace");
    TaskQueries.Filter filter =
        new TaskQueries.Filter(
            workspace == null
                ? AggregateKeys.DEFAULT_WORKSPACE
                : Names.checkId("workspace", workspace),
            status(ctx.queryParam("status")),
            optionalId("assignee", ctx.queryParam("assignee")));
    String after = optionalId("after", ctx.queryParam("after"));
    TaskQueries.Page page = queries.list(filter, after, limit(ctx.queryParam("limit")));
    ctx.json(new TaskListResponse(page.tasks(), page.next()));
  }

  private static String optionalId(String name, String value) {
    return value == null ? null : Names.checkId(name, value);
  }

  private static TaskStatus status(String value) {
    if (value == null) {
      return null;
    }
    try {
      return TaskStatus.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid(
          "status '"
              + Names.printable(value)
              + "' is not a task status; use one of "
              + Arrays.toString(TaskStatus.values()));
    }
  }

  private static int limit(String value) {
    if (value == null) {
      return TaskQueries.DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > TaskQueries.MAX_LIMIT) {
      throw ApiError.invalid(
          "limit must be an integer from 1 to "
              + TaskQueries.MAX_LIMIT
              + ", got '"
              + Names.printable(value)
              + "'");
    }
    return limit;
  }
}
