package dev.baton.app.http;

import dev.baton.app.state.LockQueries;
import dev.baton.sdk.LockStatus;
import dev.baton.sdk.protocol.AggregateKeys;
import io.javalin.http.Context;

/**
 * {@code GET /v1/locks/{workspace}?resource=<resource>}: one lock from the local {@code locks}
 * store, as a {@link LockStatus}. The resource is a query parameter because it may contain {@code
 * /}. 404 when no request ever named the resource; a free lock is 200 with no holders.
 *
 * <p>Any node answers: a lock owned by another node is read from it through the {@link ReadRouter}.
 */
final class LockQueryResource {
  private final LockQueries queries;
  private final ReadRouter router;

  LockQueryResource(LockQueries queries, ReadRouter router) {
    this.queries = queries;
    this.router = router;
  }

  void status(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String resource = ctx.queryParam("resource");
    if (resource == null) {
      throw ApiError.invalid("query parameter 'resource' is required: the locked resource");
    }
    Requests.resource("resource", resource);
    String key = AggregateKeys.lock(workspace, resource);
    LockQueries.Lookup lookup = queries.get(workspace, resource);
    if (lookup instanceof LockQueries.Found found) {
      ctx.json(LockStatus.of(found.lock()));
    } else if (lookup instanceof LockQueries.Remote remote) {
      router.answerFromOwner(ctx, remote.owner(), "lock " + key);
    } else {
      throw ApiError.notFound("lock " + key + " does not exist");
    }
  }
}
