package dev.baton.app.agent;

import dev.baton.app.config.AppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The settings of the agent surfaces (MCP server, hooks), read from {@link AppConfig}.
 *
 * @param hookLease lease of a lock a hook takes before an edit; each later edit of the file renews
 *     it
 * @param hookWait how long a hook waits in the queue before it denies the edit
 * @param hookRoot the workspace root every hook path is resolved against, or null to take it from
 *     the request ({@code X-Baton-Root}) or from the git top level of the hook's {@code cwd}
 * @param allowedHosts {@code Host} values {@code /mcp} accepts (DNS rebinding guard)
 * @param allowedOrigins {@code Origin} values {@code /mcp} and the hooks accept when one is sent
 * @param exportDir where the projection sink writes {@code decisions.md}
 * @param projectionJdbcUrl the projection the decision list is read from
 */
public record AgentSettings(
    Duration hookLease,
    Duration hookWait,
    Path hookRoot,
    List<String> allowedHosts,
    List<String> allowedOrigins,
    Path exportDir,
    String projectionJdbcUrl) {

  /** Longest an MCP tool call or a hook waits for a lock: below the usual client timeouts. */
  public static final Duration MAX_AGENT_WAIT = Duration.ofSeconds(50);

  public static AgentSettings of(AppConfig config) {
    String root = (String) config.values().get(AppConfig.HOOKS_ROOT);
    @SuppressWarnings("unchecked")
    List<String> hosts = (List<String>) config.values().get(AppConfig.MCP_ALLOWED_HOSTS);
    @SuppressWarnings("unchecked")
    List<String> origins = (List<String>) config.values().get(AppConfig.MCP_ALLOWED_ORIGINS);
    return new AgentSettings(
        Duration.ofMillis((Long) config.values().get(AppConfig.HOOKS_LEASE_MS)),
        Duration.ofMillis((Long) config.values().get(AppConfig.HOOKS_WAIT_MS)),
        root.isBlank() ? null : Path.of(root).toAbsolutePath().normalize(),
        List.copyOf(hosts),
        List.copyOf(origins),
        config.exportDir(),
        config.projectionJdbcUrl());
  }
}
