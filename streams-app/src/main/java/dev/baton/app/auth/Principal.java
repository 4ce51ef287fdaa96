package dev.baton.app.auth;

import java.util.Set;

/**
 * Who a request acts for, as the gateway authenticated it: the agent, the workspaces it may use,
 * its role and the id of the token that proved it (never the secret).
 *
 * @param workspaces the workspaces; {@value #ALL_WORKSPACES} means every workspace
 */
public record Principal(String agent, Set<String> workspaces, Role role, String tokenId) {
  /** A workspace entry that stands for every workspace. */
  public static final String ALL_WORKSPACES = "*";

  public Principal {
    workspaces = Set.copyOf(workspaces);
  }

  /** Whether this principal may act in {@code workspace}. */
  public boolean mayUse(String workspace) {
    return workspaces.contains(ALL_WORKSPACES) || workspaces.contains(workspace);
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }
}
