package dev.baton.app.auth;

import java.time.Clock;
import java.util.Set;

/**
 * Resolves the {@code Authorization} header of a request to a {@link Principal}, once per request.
 * Accepted: {@code Bearer <token>} with a token of the {@link TokenRegistry} that is neither
 * expired nor revoked, or the configured operator token ({@code baton.auth.admin.token}). Anything
 * else is {@link Result.Refused} with a reason that never quotes the presented value.
 */
public final class Authenticator {
  /** The agent of the configured operator token. */
  public static final String OPERATOR_AGENT = "operator";

  private static final String BEARER = "Bearer ";

  private final TokenRegistry registry;
  private final String operatorToken;
  private final Clock clock;

  /**
   * @param operatorToken an admin token accepted besides the registry's (from a Secret), or empty
   */
  public Authenticator(TokenRegistry registry, String operatorToken, Clock clock) {
    this.registry = registry;
    this.operatorToken = operatorToken == null ? "" : operatorToken;
    this.clock = clock;
  }

  /** What the header proved. */
  public sealed interface Result {
    record Authenticated(Principal principal) implements Result {}

    /** 401: {@code reason} may be shown to the client; it never holds the presented value. */
    record Refused(String reason) implements Result {}
  }

  public Result authenticate(String authorization) {
    if (authorization == null || authorization.isEmpty()) {
      return new Result.Refused("missing header Authorization: send Bearer <token>");
    }
    if (authorization.length() <= BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return new Result.Refused("header Authorization must be Bearer <token>");
    }
    String token = authorization.substring(BEARER.length()).trim();
    if (!operatorToken.isEmpty() && TokenSecrets.sameSecret(token, operatorToken)) {
      return new Result.Authenticated(
          new Principal(OPERATOR_AGENT, Set.of(Principal.ALL_WORKSPACES), Role.ADMIN, "operator"));
    }
    var presented = TokenSecrets.parse(token);
    if (presented.isEmpty()) {
      return new Result.Refused("malformed token");
    }
    var record = registry.find(presented.get().id());
    // Unknown and revoked look the same: a revoked token's record is gone.
    if (record.isEmpty() || !TokenSecrets.matches(record.get(), presented.get().secret())) {
      return new Result.Refused("unknown or revoked token");
    }
    if (record.get().expiredAt(clock.instant())) {
      return new Result.Refused("token " + record.get().id() + " has expired");
    }
    return new Result.Authenticated(record.get().principal());
  }
}
