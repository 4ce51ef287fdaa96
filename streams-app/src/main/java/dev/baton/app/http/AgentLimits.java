package dev.baton.app.http;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fair limits per agent on this node, so that one runaway agent cannot take the gateway from the
 * rest: at most {@code commands} commands of one agent in flight (sent, outcome not yet answered)
 * and at most {@code lockWaits} of its lock requests waiting (a long-poll acquire, a hook waiting
 * for a file lock). Beyond that the request is answered at once with 429 {@code TOO_MANY_REQUESTS}
 * and {@code Retry-After: 1}, and nothing is sent. Reads are not limited. The agent is {@code
 * X-Baton-Agent} (with auth, the authenticated agent: this filter runs after {@link AuthFilter});
 * requests without one share the key of their remote address. 0 turns a limit off.
 */
final class AgentLimits extends HttpFilter {
  private static final long serialVersionUID = 1L;

  static final String TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS";

  /** The limits; 0 = none. */
  record Limits(int commands, int lockWaits) {
    static final Limits NONE = new Limits(0, 0);
  }

  private final Limits limits;
  private final transient Map<String, Integer> inFlight = new ConcurrentHashMap<>();

  AgentLimits(Limits limits) {
    this.limits = limits;
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String method = req.getMethod();
    String path = req.getRequestURI();
    boolean write =
        !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method))
            && path.startsWith("/v1/")
            && !path.startsWith(TokenResource.PATH);
    if (!write) {
      chain.doFilter(req, res);
      return;
    }
    boolean lockWait =
        path.startsWith("/v1/hooks/")
            || (path.startsWith("/v1/locks/") && path.endsWith("/acquire"));
    int limit = lockWait ? limits.lockWaits() : limits.commands();
    if (limit <= 0) {
      chain.doFilter(req, res);
      return;
    }
    String agent = req.getHeader(Requests.AGENT_HEADER);
    String key =
        (lockWait ? "wait\n" : "cmd\n")
            + (agent == null || agent.isEmpty() ? "addr:" + req.getRemoteAddr() : agent);
    if (!acquire(key, limit)) {
      res.setStatus(429);
      res.setHeader("Retry-After", "1");
      res.setContentType("application/json");
      byte[] body =
          HttpJson.mapper()
              .writeValueAsBytes(
                  ErrorBody.of(
                      TOO_MANY_REQUESTS,
                      (lockWait ? "lock requests waiting" : "commands in flight")
                          + " of this agent on this node are at the limit of "
                          + limit
                          + "; retry when one is answered"));
      res.setContentLength(body.length);
      res.getOutputStream().write(body);
      return;
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            inFlight.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
          }
        };
    try {
      chain.doFilter(req, res);
    } finally {
      if (req.isAsyncStarted()) {
        req.getAsyncContext().addListener(new ReleaseOnEnd(release));
      } else {
        release.run();
      }
    }
  }

  private boolean acquire(String key, int limit) {
    boolean[] ok = new boolean[1];
    inFlight.compute(
        key,
        (k, n) -> {
          int current = n == null ? 0 : n;
          ok[0] = current < limit;
          return ok[0] ? current + 1 : (n == null ? null : n);
        });
    return ok[0];
  }

  /** How many requests of each kind are counted now (for tests). */
  int counted() {
    return inFlight.values().stream().mapToInt(Integer::intValue).sum();
  }

  private record ReleaseOnEnd(Runnable release) implements AsyncListener {
    @Override
    public void onComplete(AsyncEvent event) {
      release.run();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      release.run();
    }

    @Override
    public void onError(AsyncEvent event) {
      release.run();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }
  }
}
