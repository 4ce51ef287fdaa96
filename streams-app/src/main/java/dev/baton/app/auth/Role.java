package dev.baton.app.auth;

import java.util.Locale;

/**
 * What a token may do. {@link #AGENT}: every task, lock and decision command and read on the
 * token's own workspaces. {@link #ADMIN}: that, plus managing tokens; the operator's role.
 */
public enum Role {
  AGENT,
  ADMIN;

  /** The role named {@code text} ({@code agent} or {@code admin}, any case). */
  public static Role parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("role must be agent or admin, got '" + text + "'");
    }
  }

  /** The role as written on the wire and on the command line: {@code agent}, {@code admin}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
