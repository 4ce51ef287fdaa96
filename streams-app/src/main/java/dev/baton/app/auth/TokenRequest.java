package dev.baton.app.auth;

import dev.baton.sdk.protocol.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a new token is for, checked: the body of {@code POST /v1/tokens} and the options of {@code
 * baton token create}.
 *
 * @param workspaces at least one; {@value Principal#ALL_WORKSPACES} is every workspace
 * @param role {@code agent} (default) or {@code admin}
 * @param expires lifetime ({@link Lifetimes}), absent for none
 */
public record TokenRequest(String agent, List<String> workspaces, String role, String expires) {

  /** Mints the token this request asks for, created by {@code createdBy}. */
  public TokenSecrets.Issued mint(Instant now, String createdBy) {
    Names.checkId("agent", agent);
    if (workspaces == null || workspaces.isEmpty()) {
      throw new IllegalArgumentException("workspaces: a token needs at least one workspace");
    }
    for (String ws : workspaces) {
      if (!Principal.ALL_WORKSPACES.equals(ws)) {
        Names.checkId("workspaces", ws);
      }
    }
    Role r = role == null ? Role.AGENT : Role.parse(role);
    Duration lifetime = Lifetimes.parse("expires", expires);
    return TokenSecrets.mint(agent, workspaces, r, lifetime, now, createdBy);
  }
}
