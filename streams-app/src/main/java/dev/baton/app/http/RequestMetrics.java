package dev.baton.app.http;

import dev.baton.app.metrics.GatewayMetrics;
import dev.baton.sdk.protocol.CommandType;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.util.Map;
import java.util.Set;

/**
 * Javalin's request logger: records each answered request in {@link GatewayMetrics}, once its
 * answer (a command's outcome, however late) has been written. The route is the matched template,
 * so a path never becomes a tag; the command routes also count as the command they send.
 */
final class RequestMetrics {
  /** The command each command route sends, by method and route template. */
  private static final Map<String, CommandType> COMMANDS =
      Map.ofEntries(
          Map.entry("POST /v1/tasks/{workspace}", CommandType.TASK_CREATE),
          Map.entry("PATCH /v1/tasks/{workspace}/{id}", CommandType.TASK_UPDATE),
          Map.entry("POST /v1/tasks/{workspace}/{id}/claim", CommandType.TASK_CLAIM),
          Map.entry("POST /v1/tasks/{workspace}/{id}/transition", CommandType.TASK_TRANSITION),
          Map.entry("POST /v1/locks/{workspace}/acquire", CommandType.LOCK_ACQUIRE),
          Map.entry("POST /v1/locks/{workspace}/renew", CommandType.LOCK_RENEW),
          Map.entry("POST /v1/locks/{workspace}/release", CommandType.LOCK_RELEASE),
          Map.entry("POST /v1/locks/{workspace}/cancel", CommandType.LOCK_CANCEL),
          Map.entry("POST /v1/decisions/{workspace}", CommandType.DECISION_RECORD));

  /** Methods kept as a tag; any other is {@code other}, so that a client cannot add series. */
  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final GatewayMetrics metrics;

  RequestMetrics(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  void answered(Context ctx, Float ms) {
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    String method = KNOWN_METHODS.contains(ctx.req().getMethod()) ? ctx.req().getMethod() : "other";
    String route = endpoint == null ? null : endpoint.path;
    CommandType command = route == null ? null : COMMANDS.get(method + " " + route);
    long nanos = ms == null ? 0 : (long) (ms.doubleValue() * 1_000_000);
    metrics.answered(
        method, route, command == null ? null : command.wire(), ctx.statusCode(), nanos);
  }
}
