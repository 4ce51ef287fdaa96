package dev.baton.app.http;

import dev.baton.app.auth.Principal;
import dev.baton.sdk.protocol.AggregateKeys;
import io.javalin.http.Context;

/**
 * Checks, once a route is matched and before its handler runs, that the workspace the request acts
 * in is one of its token's: the {@code {workspace}} path parameter, else the {@code workspace}
 * query parameter, else {@code X-Baton-Workspace}, else {@code default} (so a route that names no
 * workspace is held to {@code default}, never to none). A workspace outside the token is 403 {@code
 * FORBIDDEN}. Routes that act on no workspace are exempt: the token routes and {@code /v1/whoami},
 * which check the role themselves, and {@code /metrics}, which any valid token may read. Does
 * nothing when auth is off (no principal).
 */
final class WorkspaceGate {
  private WorkspaceGate() {}

  static void check(Context ctx) {
    Principal principal = ctx.attribute(AuthFilter.PRINCIPAL);
    if (principal == null
        || ctx.path().startsWith(TokenResource.PATH)
        || ctx.path().equals(TokenResource.WHOAMI)
        || ctx.path().equals(HttpApi.METRICS_PATH)) {
      return;
    }
    String workspace = ctx.pathParamMap().get("workspace");
    if (workspace == null) {
      workspace = ctx.queryParam("workspace");
    }
    if (workspace == null) {
      workspace = ctx.header(AuthFilter.WORKSPACE_HEADER);
    }
    if (workspace == null || workspace.isEmpty()) {
      workspace = AggregateKeys.DEFAULT_WORKSPACE;
    }
    if (!principal.mayUse(workspace)) {
      throw ApiError.forbidden(outside(workspace));
    }
  }

  static String outside(String workspace) {
    return "workspace '" + workspace + "' is not one of the token's workspaces";
  }
}
