package dev.baton.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.auth.NodeTokens;
import dev.baton.app.auth.Principal;
import dev.baton.app.auth.TokenRequest;
import dev.baton.app.auth.TokenSecrets;
import dev.baton.app.auth.TokenView;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token management, for admin tokens only: {@code POST /v1/tokens} (201, the only answer that ever
 * holds the secret), {@code GET /v1/tokens} ({@code {"tokens": [...]}}, no secrets, no hashes) and
 * {@code DELETE /v1/tokens/{id}} (revoke). Writes go to the tokens topic and return once Kafka has
 * acknowledged them; every node (this one too) applies them when its {@code TokenLog} reads them.
 * On a node without auth, every route is 403: tokens are then managed with {@code baton token ...
 * --bootstrap}.
 */
final class TokenResource {
  static final String PATH = "/v1/tokens";

  /** {@code GET /v1/whoami}: who the request's token proves, for clients that hold only a token. */
  static final String WHOAMI = "/v1/whoami";

  private static final Logger LOG = LoggerFactory.getLogger(TokenResource.class);

  private final NodeTokens tokens;
  private final Clock clock;

  /** {@code tokens} null: auth is off on this node. */
  TokenResource(NodeTokens tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  void create(Context ctx) {
    Principal admin = admin(ctx);
    TokenRequest request = RequestBodies.required(ctx, TokenRequest.class);
    TokenSecrets.Issued issued;
    try {
      issued = request.mint(clock.instant(), admin.agent());
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid(e.getMessage());
    }
    tokens.writer().put(issued.record());
    LOG.info(
        "token {} created for agent {} by {}",
        issued.record().id(),
        request.agent(),
        admin.agent());
    ctx.status(201).json(TokenView.issued(issued, clock.instant()));
  }

  void list(Context ctx) {
    admin(ctx);
    Instant now = clock.instant();
    ctx.json(
        Map.of("tokens", tokens.registry().all().stream().map(r -> TokenView.of(r, now)).toList()));
  }

  void revoke(Context ctx) {
    Principal admin = admin(ctx);
    String id = ctx.pathParam("id");
    if (TokenSecrets.parse("bt1." + id + "." + "A".repeat(43)).isEmpty()
        || tokens.registry().find(id).isEmpty()) {
      throw ApiError.notFound("no token " + (id.length() > 16 ? id.substring(0, 16) : id));
    }
    tokens.writer().revoke(id);
    LOG.info("token {} revoked by {}", id, admin.agent());
    ctx.json(Map.of("id", id, "revoked", true));
  }

  /**
   * {@code GET /v1/whoami}, for any valid token: {@code {"auth": true, "id", "agent", "workspaces",
   * "role", "created", "expires", "expired": false}} (the token's view, never its secret or hash;
   * the operator token of {@code baton.auth.admin.token} has no {@code created} or {@code
   * expires}). Without auth: {@code {"auth": false, "agent": X-Baton-Agent or null}}, since the
   * header is then the only identity.
   */
  void whoami(Context ctx) {
    Principal principal = ctx.attribute(AuthFilter.PRINCIPAL);
    if (principal == null) {
      Map<String, Object> open = new LinkedHashMap<>();
      open.put("auth", false);
      String agent = ctx.header(Requests.AGENT_HEADER);
      open.put("agent", agent == null || agent.isEmpty() ? null : agent);
      ctx.json(open);
      return;
    }
    Instant now = clock.instant();
    TokenView view =
        tokens
            .registry()
            .find(principal.tokenId())
            .map(r -> TokenView.of(r, now))
            .orElseGet(
                () ->
                    new TokenView(
                        null,
                        principal.tokenId(),
                        principal.agent(),
                        principal.workspaces().stream().sorted().toList(),
                        principal.role().wireName(),
                        null,
                        null,
                        false));
    ObjectNode answer = HttpJson.mapper().createObjectNode().put("auth", true);
    answer.setAll((ObjectNode) HttpJson.mapper().valueToTree(view));
    ctx.json(answer);
  }

  private Principal admin(Context ctx) {
    if (tokens == null) {
      throw ApiError.forbidden(
          "this node runs without auth: manage tokens with 'baton token ... --bootstrap', or"
              + " start the node with auth");
    }
    Principal principal = ctx.attribute(AuthFilter.PRINCIPAL);
    if (principal == null || !principal.isAdmin()) {
      throw ApiError.forbidden("managing tokens needs an admin token");
    }
    return principal;
  }
}
