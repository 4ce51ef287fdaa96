package dev.baton.app.http;

import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Names;
import dev.baton.sdk.protocol.TaskStatus;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.List;

/**
 * Task reads from the local state stores: {@code GET /v1/tasks/{workspace}/{id}} and {@code GET
 * /v1/tasks?workspace=&status=&assignee=&limit=&after=}.
 *
 * <p>Any node answers: a task owned by another node is read from it, and a listing is gathered from
 * every node and merged, through the {@link ReadRouter}.
 */
final class TaskQueryResource {
  private final TaskQueries queries;
  private final ReadRouter router;

  TaskQueryResource(TaskQueries queries, ReadRouter router) {
    this.queries = queries;
    this.router = router;
  }

  void get(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String id = Requests.pathId(ctx, "id");
    TaskQueries.Lookup lookup = queries.get(workspace, id);
    String key = AggregateKeys.task(workspace, id);
    if (lookup instanceof TaskQueries.Found found) {
      ctx.json(found.task());
    } else if (lookup instanceof TaskQueries.Remote remote) {
      router.answerFromOwner(ctx, remote.owner(), "task " + key);
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
    int limit = limit(ctx.queryParam("limit"));
    TaskQueries.Page page = queries.list(filter, after, limit);
    TaskListResponse local = new TaskListResponse(page.tasks(), page.next());
    if (router.isForwarded(ctx)) {
      router.markPartitions(ctx, page.partitions());
      ctx.json(local);
      return;
    }
    List<TaskListResponse> pages =
        router.gather(ctx, TaskListResponse.class, local, page.partitions()).stream()
            .map(ReadRouter.Shard::answer)
            .toList();
    ctx.json(TaskListResponse.merge(pages, limit));
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
