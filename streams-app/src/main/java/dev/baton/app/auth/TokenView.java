package dev.baton.app.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A token as shown to people and clients: everything but its hash and salt. {@code token} (the
 * secret) is present only in the answer to a create, the one time it is shown.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenView(
    String token,
    String id,
    String agent,
    List<String> workspaces,
    String role,
    Instant created,
    Instant expires,
    Boolean expired) {

  /** The view of a stored token at {@code now}. */
  public static TokenView of(TokenRecord r, Instant now) {
    return new TokenView(
        null,
        r.id(),
        r.agent(),
        r.workspaces(),
        r.role(),
        Instant.ofEpochMilli(r.createdMs()),
        r.expiresMs() == null ? null : Instant.ofEpochMilli(r.expiresMs()),
        r.expiredAt(now));
  }

  /** The answer to a create: the view with its secret. */
  public static TokenView issued(TokenSecrets.Issued issued, Instant now) {
    TokenView v = of(issued.record(), now);
    return new TokenView(
        issued.token(), v.id, v.agent, v.workspaces, v.role, v.created, v.expires, null);
  }

  @Override
  public String toString() {
    return "TokenView[id=" + id + ", agent=" + agent + "]";
  }
}
