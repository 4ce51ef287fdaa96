package dev.baton.app.http;

import dev.baton.app.auth.Authenticator;
import dev.baton.app.auth.Principal;
import dev.baton.sdk.protocol.AggregateKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The gate in front of every door on the API port (the routes, {@code /mcp}, the hooks): resolves
 * the bearer token once per request and hands the {@link Principal} on as the request attribute
 * {@value #PRINCIPAL}. Everything behind it then reads the agent from {@value #AGENT_HEADER} as
 * before, because this filter makes that header say the authenticated agent: the topology trusts
 * the agent the gateway authenticated, and no resource needs to know about tokens.
 *
 * <p>Answers, before anything else runs: 401 {@code UNAUTHORIZED} with {@code WWW-Authenticate} for
 * a missing, malformed, unknown, revoked or expired token; 403 {@code FORBIDDEN} when {@value
 * #AGENT_HEADER} names another agent than the token, or (for {@code /mcp} and the hooks, whose
 * workspace is a header) when the workspace is not the token's. {@code GET /v1/health} needs no
 * token (probes), nor does {@code GET /metrics} unless {@code baton.metrics.auth=token}. The
 * workspace of the other routes is checked once the route is matched ({@link WorkspaceGate}).
 */
final class AuthFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  /** The request attribute holding the {@link Principal}. */
  static final String PRINCIPAL = "baton.principal";

  static final String AGENT_HEADER = Requests.AGENT_HEADER;
  static final String WORKSPACE_HEADER = "X-Baton-Workspace";

  private final transient Authenticator authenticator;
  private final boolean openMetrics;

  /** {@code openMetrics}: {@code GET /metrics} needs no token either (baton.metrics.auth=none). */
  AuthFilter(Authenticator authenticator, boolean openMetrics) {
    this.authenticator = authenticator;
    this.openMetrics = openMetrics;
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if ("/v1/health".equals(req.getRequestURI())
        || (openMetrics && HttpApi.METRICS_PATH.equals(req.getRequestURI()))) {
      chain.doFilter(req, res);
      return;
    }
    Authenticator.Result result = authenticator.authenticate(req.getHeader("Authorization"));
    if (result instanceof Authenticator.Result.Authenticated ok) {
      admit(req, res, chain, ok.principal());
    } else if (result instanceof Authenticator.Result.Refused refused) {
      refuse(res, 401, ApiError.UNAUTHORIZED, refused.reason(), challenge(req, refused.reason()));
    }
  }

  private void admit(
      HttpServletRequest req, HttpServletResponse res, FilterChain chain, Principal principal)
      throws IOException, ServletException {
    String claimed = req.getHeader(AGENT_HEADER);
    // An empty header is no claim (hook scripts send BATON_AGENT, which may be unset).
    if (claimed != null && !claimed.isEmpty() && !claimed.equals(principal.agent())) {
      refuse(
          res,
          403,
          ApiError.FORBIDDEN,
          "header "
              + AGENT_HEADER
              + " names another agent than the token's ("
              + principal.agent()
              + ")",
          null);
      return;
    }
    String path = req.getRequestURI();
    if (path.equals("/mcp") || path.startsWith("/mcp/") || path.startsWith("/v1/hooks/")) {
      String header = req.getHeader(WORKSPACE_HEADER);
      String workspace =
          header == null || header.isEmpty() ? AggregateKeys.DEFAULT_WORKSPACE : header;
      if (!principal.mayUse(workspace)) {
        refuse(res, 403, ApiError.FORBIDDEN, WorkspaceGate.outside(workspace), null);
        return;
      }
    }
    req.setAttribute(PRINCIPAL, principal);
    chain.doFilter(new AsAgent(req, principal.agent()), res);
  }

  private static String challenge(HttpServletRequest req, String reason) {
    String auth = req.getHeader("Authorization");
    if (auth == null || auth.isEmpty()) {
      return "Bearer realm=\"baton\"";
    }
    return "Bearer realm=\"baton\", error=\"invalid_token\", error_description=\""
        + reason.replace('"', '\'')
        + "\"";
  }

  private static void refuse(
      HttpServletResponse res, int status, String error, String message, String challenge)
      throws IOException {
    res.setStatus(status);
    // The refused request's body is never read, so the server will not reuse the connection; say
    // so, or a client may send its next request on a connection that is being closed.
    res.setHeader("Connection", "close");
    if (challenge != null) {
      res.setHeader("WWW-Authenticate", challenge);
    }
    res.setContentType("application/json");
    byte[] body = HttpJson.mapper().writeValueAsBytes(ErrorBody.of(error, message));
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
    res.getOutputStream().flush();
  }

  /** The request with {@value #AGENT_HEADER} set to the authenticated agent. */
  private static final class AsAgent extends HttpServletRequestWrapper {
    private final String agent;

    AsAgent(HttpServletRequest request, String agent) {
      super(request);
      this.agent = agent;
    }

    @Override
    public String getHeader(String name) {
      return AGENT_HEADER.equalsIgnoreCase(name) ? agent : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return AGENT_HEADER.equalsIgnoreCase(name)
          ? Collections.enumeration(java.util.List.of(agent))
          : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      java.util.List<String> names = Collections.list(super.getHeaderNames());
      if (names.stream().noneMatch(AGENT_HEADER::equalsIgnoreCase)) {
        names.add(AGENT_HEADER);
      }
      return Collections.enumeration(names);
    }
  }
}
