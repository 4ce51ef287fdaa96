package dev.baton.app.http;

import dev.baton.app.agent.AgentBackend;
import dev.baton.app.agent.AgentSettings;
import dev.baton.app.agent.AgentSurface;
import dev.baton.app.agent.ProjectionDecisions;
import dev.baton.app.auth.NodeTokens;
import dev.baton.app.config.AppConfig;
import dev.baton.app.feed.EventFeed;
import dev.baton.app.metrics.BatonMetrics;
import dev.baton.app.sink.SinkStatus;
import dev.baton.app.state.AgentHoldings;
import dev.baton.app.state.AgentQueries;
import dev.baton.app.state.LockQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonClient;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.jetty.ee10.servlet.FilterHolder;

/**
 * The HTTP API (default port 7070). Routes:
 *
 * <pre>
 * GET   /v1/health                            200 {"status":"RUNNING",...} while serving, else 503
 *                                             (see HealthResource)
 * GET   /v1/tasks?workspace=&amp;status=&amp;assignee=&amp;limit=&amp;after=
 *                                             {"tasks":[...], "next": cursor or null}
 * GET   /v1/tasks/{workspace}/{id}            the task
 * POST  /v1/tasks/{workspace}                 create (201)          } header X-Baton-Agent
 * PATCH /v1/tasks/{workspace}/{id}            update                } required; answer: the
 * POST  /v1/tasks/{workspace}/{id}/claim      claim                 } outcome, whose state is
 * POST  /v1/tasks/{workspace}/{id}/transition change status         } the task
 * GET   /v1/locks/{workspace}?resource=       the lock: holders, queue, lastToken, version
 * POST  /v1/locks/{workspace}/acquire         long poll until granted (200) or the wait ends;
 *                                             "async": true answers 202 QUEUED at once
 * POST  /v1/locks/{workspace}/renew           } header X-Baton-Agent required; the resource in
 * POST  /v1/locks/{workspace}/release         } the body; answer: the outcome plus resource and
 * POST  /v1/locks/{workspace}/cancel          } mode (see LockAnswer)
 * POST  /v1/locks/{workspace}/force-release   admin: end another agent's grant ("holder"; absent:
 *                                             every holder); 403 FORBIDDEN for other tokens
 * POST  /v1/decisions/{workspace}             record a decision (201; version = its number)
 * GET   /v1/decisions/{workspace}?task=&amp;status=&amp;limit=&amp;before=
 *                                             {"decisions":[...] newest first, "next": before or null}
 * GET   /v1/decisions/{workspace}/{number}    one decision (with status ACTIVE or SUPERSEDED)
 * GET   /v1/agents/{workspace}/{agent}        locks held and waited for, tasks assigned
 * GET   /v1/events/{workspace}?after=&amp;types=&amp;task=&amp;resource=&amp;agent=&amp;limit=&amp;waitMs=
 *                                             the event feed: long poll {"events":[...],"next":cursor},
 *                                             or server-sent events with Accept: text/event-stream
 * POST  /v1/tokens                            } admin tokens only (TokenResource): create (201,
 * GET   /v1/tokens                            } the secret shown once), list, revoke
 * DELETE /v1/tokens/{id}                      }
 * GET   /v1/whoami                            who the token proves: agent, workspaces, role,
 *                                             expires (never the secret); without auth
 *                                             {"auth": false, "agent": X-Baton-Agent or null}
 * GET   /metrics                              Prometheus text format (BatonMetrics); open unless
 *                                             baton.metrics.auth=token
 * POST  /v1/hooks/claude|codex|opencode       agent hooks: lock a file before an edit
 *       /mcp                                  MCP server, streamable HTTP (see BatonMcpServer)
 * </pre>
 *
 * Any node answers any read: a key another node owns is read from it, a listing is gathered from
 * every node ({@link ReadRouter}). With auth on ({@link AuthFilter}), every route but health needs
 * {@code Authorization: Bearer <token>}; the agent is the token's and the workspace must be one of
 * its ({@link WorkspaceGate}).
 *
 * <p>Every error, including unknown routes and oversized bodies, is an {@link ErrorBody} written by
 * {@link ErrorMapper}. Request bodies are limited to {@value #MAX_REQUEST_BYTES} bytes.
 */
public final class HttpApi implements AutoCloseable {
  /** Where the metrics are served, in the Prometheus text format. */
  public static final String METRICS_PATH = "/metrics";

  /** Largest request body accepted; larger ones are answered 413 {@code TOO_LARGE}. */
  public static final int MAX_REQUEST_BYTES = 256 * 1024;

  /**
   * Backstop for a command's answer (plus the wait of a lock request). The SDK times commands out
   * itself (30 s by default, plus the wait) and that is answered 504 first; this only guards
   * against a future that would never complete.
   */
  static final Duration COMMAND_DEADLINE = Duration.ofSeconds(90);

  private static final int RESPONSE_THREADS = 4;

  /** Idempotency keys whose first body a node remembers ({@link IdempotencyKeys}). */
  static final int IDEMPOTENCY_KEYS = 100_000;

  /** How long: the topology's default command deduplication ({@code baton.dedup.retention.ms}). */
  static final Duration IDEMPOTENCY_RETENTION = Duration.ofHours(24);

  private final Javalin app;
  private final ExecutorService responses;
  private final AgentSurface agents;
  private final ReadRouter router;

  private HttpApi(Javalin app, ExecutorService responses, AgentSurface agents, ReadRouter router) {
    this.app = app;
    this.responses = responses;
    this.agents = agents;
    this.router = router;
  }

  /**
   * Starts serving on {@code host:port} (0 = any free port) with the task, lock and decision routes
   * and health; no agent surfaces, no sinks.
   */
  public static HttpApi start(String host, int port, KafkaStreams streams, BatonClient client) {
    return start(
        host,
        port,
        HealthResource.of(streams, List::of),
        TaskQueries.of(streams),
        LockQueries.of(streams),
        ReadRouter.of("", ReadRouter.Cluster.ALONE),
        client,
        null,
        null,
        null,
        null,
        AgentLimits.Limits.NONE,
        BatonMetrics.none(),
        MetricsAccess.OFF);
  }

  /**
   * The node's API: on the configured host and port, with the agent surfaces (MCP at {@code /mcp},
   * the hooks at {@code /v1/hooks/...}) and the event feed; {@code sinks} tells {@code /v1/health}
   * how the sinks of this node are doing.
   */
  public static HttpApi start(
      AppConfig config,
      KafkaStreams streams,
      BatonClient client,
      Supplier<List<SinkStatus>> sinks) {
    return start(config, streams, client, sinks, null, null);
  }

  /**
   * The node's API with the event {@code feed} (null: none) and {@code tokens} guarding every door
   * ({@link AuthFilter}); null when {@value AppConfig#AUTH_ENABLED} is off. A node that would
   * listen beyond loopback without auth is refused here, before anything binds.
   */
  public static HttpApi start(
      AppConfig config,
      KafkaStreams streams,
      BatonClient client,
      Supplier<List<SinkStatus>> sinks,
      EventFeed feed,
      NodeTokens tokens) {
    return start(config, streams, client, sinks, feed, tokens, BatonMetrics.none());
  }

  /**
   * The node's API recording into {@code metrics}, which {@code GET /metrics} renders unless
   * {@value AppConfig#METRICS_ENABLED} is off ({@link MetricsAccess}).
   */
  public static HttpApi start(
      AppConfig config,
      KafkaStreams streams,
      BatonClient client,
      Supplier<List<SinkStatus>> sinks,
      EventFeed feed,
      NodeTokens tokens,
      BatonMetrics metrics) {
    AuthModes.check(config, tokens != null);
    TaskQueries tasks = TaskQueries.of(streams);
    LockQueries locks = LockQueries.of(streams);
    AgentSettings settings = AgentSettings.of(config);
    ReadRouter router =
        ReadRouter.of(
            config.applicationServer(), new StreamsCluster(streams, config.topics().commands()));
    AgentQueryResource agentReads = new AgentQueryResource(AgentQueries.of(streams), router);
    AgentSurface agents =
        AgentSurface.create(
            new AgentBackend(
                client,
                tasks,
                locks,
                AgentHoldings.of(streams),
                agentReads,
                new ProjectionDecisions(settings.projectionJdbcUrl(), settings.exportDir()),
                settings,
                feed),
            (Boolean) config.values().get(AppConfig.HOOKS_CLAUDE_ALLOW),
            String.valueOf(HttpApi.class.getPackage().getImplementationVersion()));
    return start(
        config.httpHost(),
        config.httpPort(),
        HealthResource.of(streams, sinks),
        tasks,
        locks,
        router,
        client,
        agents,
        feed,
        new NodeReads(
            new DecisionQueryResource(
                new ProjectionDecisions(settings.projectionJdbcUrl(), settings.exportDir())),
            agentReads),
        tokens,
        new AgentLimits.Limits(
            (Integer) config.values().get(AppConfig.LIMITS_AGENT_COMMANDS),
            (Integer) config.values().get(AppConfig.LIMITS_AGENT_LOCK_WAITS)),
        metrics,
        MetricsAccess.of(config));
  }

  /** The reads only a full node serves: decisions (from the projection) and agents. */
  private record NodeReads(DecisionQueryResource decisions, AgentQueryResource agents) {}

  /** Starts serving with explicit collaborators (tests give in-memory ones). */
  static HttpApi start(
      String host,
      int port,
      Supplier<KafkaStreams.State> state,
      TaskQueries tasks,
      LockQueries locks,
      BatonClient client) {
    return start(host, port, state, tasks, locks, client, null, AgentLimits.Limits.NONE);
  }

  /** As above, with {@code tokens} (null: auth off) and per-agent {@code limits}. */
  static HttpApi start(
      String host,
      int port,
      Supplier<KafkaStreams.State> state,
      TaskQueries tasks,
      LockQueries locks,
      BatonClient client,
      NodeTokens tokens,
      AgentLimits.Limits limits) {
    return start(
        host,
        port,
        state,
        tasks,
        locks,
        client,
        tokens,
        limits,
        BatonMetrics.none(),
        MetricsAccess.OFF);
  }

  /**
   * As above, recording into {@code metrics}, served at {@value #METRICS_PATH} per {@code access}.
   */
  static HttpApi start(
      String host,
      int port,
      Supplier<KafkaStreams.State> state,
      TaskQueries tasks,
      LockQueries locks,
      BatonClient client,
      NodeTokens tokens,
      AgentLimits.Limits limits,
      BatonMetrics metrics,
      MetricsAccess access) {
    return start(
        host,
        port,
        new HealthResource(state, () -> null, List::of),
        tasks,
        locks,
        ReadRouter.of("", ReadRouter.Cluster.ALONE),
        client,
        null,
        null,
        null,
        tokens,
        limits,
        metrics,
        access);
  }

  /** Starts serving with explicit collaborators and {@code router} for reads of other nodes. */
  static HttpApi start(
      String host,
      int port,
      Supplier<KafkaStreams.State> state,
      TaskQueries tasks,
      LockQueries locks,
      ReadRouter router,
      BatonClient client) {
    return start(
        host,
        port,
        new HealthResource(state, () -> null, List::of),
        tasks,
        locks,
        router,
        client,
        null,
        null,
        null,
        null,
        AgentLimits.Limits.NONE,
        BatonMetrics.none(),
        MetricsAccess.OFF);
  }

  /**
   * {@code agents} (null for none) adds the MCP server and the hooks, {@code feed} (null for none)
   * the event feed.
   */
  private static HttpApi start(
      String host,
      int port,
      HealthResource health,
      TaskQueries tasks,
      LockQueries locks,
      ReadRouter router,
      BatonClient client,
      AgentSurface agents,
      EventFeed feed,
      NodeReads reads,
      NodeTokens tokens,
      AgentLimits.Limits limits,
      BatonMetrics metrics,
      MetricsAccess metricsAccess) {
    ExecutorService responses =
        Executors.newFixedThreadPool(RESPONSE_THREADS, daemonThreads("baton-http-answer-"));
    CommandReplies replies = new CommandReplies(responses, COMMAND_DEADLINE);
    TaskQueryResource taskReads = new TaskQueryResource(tasks, router);
    TaskCommandResource taskCommands = new TaskCommandResource(client, replies);
    LockQueryResource lockReads = new LockQueryResource(locks, router);
    LockCommandResource lockCommands = new LockCommandResource(client, replies);
    DecisionCommandResource decisions = new DecisionCommandResource(client, replies);
    TokenResource tokenRoutes = new TokenResource(tokens, Clock.systemUTC());
    IdempotencyKeys idempotency =
        new IdempotencyKeys(IDEMPOTENCY_KEYS, IDEMPOTENCY_RETENTION, Clock.systemUTC());
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.jetty.host = host;
              cfg.jetty.port = port;
              cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
              cfg.http.prefer405over404 = true;
              cfg.jsonMapper(new JavalinJackson(HttpJson.mapper(), false));
              cfg.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrorHandler()));
              ErrorMapper.register(cfg.routes);
              if (tokens != null) {
                AuthFilter gate =
                    new AuthFilter(tokens.authenticator(), metricsAccess == MetricsAccess.OPEN);
                cfg.jetty.modifyServletContextHandler(
                    handler ->
                        handler.addFilter(
                            new FilterHolder(gate), "/*", EnumSet.of(DispatcherType.REQUEST)));
                cfg.routes.beforeMatched(WorkspaceGate::check);
              }
              // After the gate, so that the agent counted is the authenticated one.
              AgentLimits fair = new AgentLimits(limits);
              cfg.jetty.modifyServletContextHandler(
                  handler ->
                      handler.addFilter(
                          new FilterHolder(fair), "/*", EnumSet.of(DispatcherType.REQUEST)));
              cfg.routes.beforeMatched(idempotency::check);
              cfg.requestLogger.http(new RequestMetrics(metrics.gateway())::answered);
              cfg.routes.get("/v1/health", health::health);
              if (metricsAccess != MetricsAccess.OFF) {
                cfg.routes.get(METRICS_PATH, ctx -> metrics(ctx, metrics));
              }
              cfg.routes.get("/v1/tasks", taskReads::list);
              cfg.routes.get("/v1/tasks/{workspace}/{id}", taskReads::get);
              cfg.routes.post("/v1/tasks/{workspace}", taskCommands::create);
              cfg.routes.patch("/v1/tasks/{workspace}/{id}", taskCommands::update);
              cfg.routes.post("/v1/tasks/{workspace}/{id}/claim", taskCommands::claim);
              cfg.routes.post("/v1/tasks/{workspace}/{id}/transition", taskCommands::transition);
              cfg.routes.get("/v1/locks/{workspace}", lockReads::status);
              cfg.routes.post("/v1/locks/{workspace}/acquire", lockCommands::acquire);
              cfg.routes.post("/v1/locks/{workspace}/renew", lockCommands::renew);
              cfg.routes.post("/v1/locks/{workspace}/release", lockCommands::release);
              cfg.routes.post("/v1/locks/{workspace}/cancel", lockCommands::cancel);
              cfg.routes.post("/v1/locks/{workspace}/force-release", lockCommands::forceRelease);
              cfg.routes.post("/v1/decisions/{workspace}", decisions::record);
              if (feed != null) {
                cfg.routes.get(
                    "/v1/events/{workspace}", new EventFeedResource(feed, responses)::get);
              }
              if (reads != null) {
                cfg.routes.get("/v1/decisions/{workspace}", reads.decisions()::list);
                cfg.routes.get("/v1/decisions/{workspace}/{number}", reads.decisions()::get);
                cfg.routes.get("/v1/agents/{workspace}/{agent}", reads.agents()::get);
              }
              cfg.routes.post(TokenResource.PATH, tokenRoutes::create);
              cfg.routes.get(TokenResource.PATH, tokenRoutes::list);
              cfg.routes.get(TokenResource.WHOAMI, tokenRoutes::whoami);
              cfg.routes.delete(TokenResource.PATH + "/{id}", tokenRoutes::revoke);
              if (agents != null) {
                agents.mount(cfg);
              }
            });
    try {
      app.start();
    } catch (RuntimeException e) {
      responses.shutdownNow();
      router.close();
      if (agents != null) {
        agents.close();
      }
      throw e;
    }
    return new HttpApi(app, responses, agents, router);
  }

  /**
   * Whether the API port serves {@value #METRICS_PATH}: not at all, open to anyone (like {@code
   * /v1/health}: read-only, it names no task, lock or agent), or to any valid token when auth is on
   * ({@value AppConfig#METRICS_AUTH}{@code =token}).
   */
  enum MetricsAccess {
    OFF,
    OPEN,
    TOKEN;

    static MetricsAccess of(AppConfig config) {
      if (!Boolean.TRUE.equals(config.values().get(AppConfig.METRICS_ENABLED))) {
        return OFF;
      }
      return "token".equals(config.values().get(AppConfig.METRICS_AUTH)) ? TOKEN : OPEN;
    }
  }

  /** {@code GET /metrics}: every meter in the Prometheus text format, version 0.0.4. */
  private static void metrics(Context ctx, BatonMetrics metrics) {
    ctx.contentType(BatonMetrics.CONTENT_TYPE).result(metrics.scrape());
  }

  /**
   * Refuses {@code config} when its API would listen beyond loopback without auth ({@link
   * org.apache.kafka.common.config.ConfigException} naming {@value AppConfig#HTTP_HOST}), so that a
   * node fails before it starts anything.
   */
  public static void checkExposure(AppConfig config) {
    AuthModes.checkExposure(config);
  }

  public int port() {
    return app.port();
  }

  /** The Jetty server under the API, for tests that act as its connections do. */
  org.eclipse.jetty.server.Server jetty() {
    return app.jettyServer().server();
  }

  @Override
  public void close() {
    app.stop();
    responses.shutdownNow();
    router.close();
    if (agents != null) {
      agents.close();
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
