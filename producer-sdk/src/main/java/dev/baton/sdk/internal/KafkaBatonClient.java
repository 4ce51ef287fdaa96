package dev.baton.sdk.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.DecisionOperations;
import dev.baton.sdk.DecisionPage;
import dev.baton.sdk.DecisionQuery;
import dev.baton.sdk.EventFilter;
import dev.baton.sdk.EventListener;
import dev.baton.sdk.EventOperations;
import dev.baton.sdk.EventSubscription;
import dev.baton.sdk.HealthListener;
import dev.baton.sdk.LockOperations;
import dev.baton.sdk.NewDecision;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.RecordedDecision;
import dev.baton.sdk.TaskOperations;
import dev.baton.sdk.TaskPage;
import dev.baton.sdk.TaskQuery;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Names;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import dev.baton.sdk.protocol.Topics;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/** {@link BatonClient} over a shared {@link CommandTransport}; views share it without owning it. */
public final class KafkaBatonClient implements BatonClient {

  /**
   * What the builder collected.
   *
   * @param clientId names this client's Kafka clients and threads: {@code baton-sdk-<agent>-<n>}
   * @param callbackExecutor where user code runs; null for the client's own pool
   * @param httpServer a node's HTTP address for reads; null when reads are not configured
   */
  public record Settings(
      String bootstrapServers,
      String agent,
      String workspace,
      Duration requestTimeout,
      Duration connectTimeout,
      Integer replyPartition,
      Topics topics,
      Map<String, Object> kafkaOverrides,
      Executor callbackExecutor,
      URI httpServer,
      String clientId) {

    /** The client id for the {@code n}-th client of {@code agent} in this JVM. */
    public static String clientId(String agent, int n) {
      return "baton-sdk-" + agent + "-" + n;
    }
  }

  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final CommandTransport transport;
  private final HttpReads reads;
  private final KafkaBatonClient base;
  private final String agent;
  private final String workspace;
  private final TaskOperations tasks = new Tasks();
  private final DecisionOperations decisions = new Decisions();
  private final Locks locks;
  private final Set<KafkaBatonClient> views = ConcurrentHashMap.newKeySet();
  private final Set<KafkaEventSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private KafkaBatonClient(
      CommandTransport transport,
      HttpReads reads,
      KafkaBatonClient base,
      String agent,
      String workspace) {
    this.transport = transport;
    this.reads = reads;
    this.base = base;
    this.agent = Names.checkId("agent", agent);
    this.workspace = Names.checkId("workspace", workspace);
    this.locks =
        new Locks(
            this::send,
            resource -> reads.lock(this.workspace, resource),
            transport.timer(),
            transport.callbacks(),
            base == null ? () -> {} : () -> base.views.add(this));
  }

  /**
   * Connects and starts a client; fails with a {@link dev.baton.sdk.BatonException} within the
   * connect timeout when Kafka or the topics cannot be reached, leaving no thread behind.
   */
  public static KafkaBatonClient start(Settings settings) {
    Names.checkId("agent", settings.agent());
    Names.checkId("workspace", settings.workspace());
    CommandTransport transport = CommandTransport.start(settings);
    HttpReads reads =
        new HttpReads(
            settings.httpServer(),
            settings.requestTimeout(),
            task -> transport.callbacks().run("read", task));
    return new KafkaBatonClient(transport, reads, null, settings.agent(), settings.workspace());
  }

  /** The next client number, for {@link Settings#clientId}. */
  public static int nextClientNumber() {
    return CLIENTS.incrementAndGet();
  }

  @Override
  public TaskOperations tasks() {
    return tasks;
  }

  @Override
  public DecisionOperations decisions() {
    return decisions;
  }

  /** The options of a command that takes no guards: only the command id is kept. */
  private static WriteOptions commandIdOnly(WriteOptions options) {
    return options == null || options.commandId() == null
        ? WriteOptions.NONE
        : WriteOptions.NONE.withCommandId(options.commandId());
  }

  @Override
  public LockOperations locks() {
    return locks;
  }

  @Override
  public String agent() {
    return agent;
  }

  @Override
  public String workspace() {
    return workspace;
  }

  @Override
  public EventOperations events() {
    return this::subscribe;
  }

  /** Starts a subscription the base client closes with itself. */
  private EventSubscription subscribe(EventFilter filter, String from, EventListener listener) {
    Objects.requireNonNull(listener, "listener");
    KafkaBatonClient root = base == null ? this : base;
    if (root.closed.get()) {
      throw new BatonException("client for agent " + agent + " is closed", false, null);
    }
    KafkaEventSubscription s =
        KafkaEventSubscription.start(
            transport.settings(),
            transport.callbacks(),
            workspace,
            filter == null ? EventFilter.all() : filter,
            from,
            listener,
            root.subscriptions::remove);
    root.subscriptions.add(s);
    if (root.closed.get()) {
      s.close();
    }
    return s;
  }

  @Override
  public BatonClient as(String agent, String workspace) {
    return new KafkaBatonClient(transport, reads, base == null ? this : base, agent, workspace);
  }

  @Override
  public boolean isHealthy() {
    return transport.isHealthy();
  }

  @Override
  public void addHealthListener(HealthListener listener) {
    transport.addHealthListener(listener);
  }

  @Override
  public CompletableFuture<Outcome> submit(
      CommandType type,
      ObjectNode body,
      WriteOptions options,
      Consumer<Outcome> progress,
      Duration extraWait) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new BatonException("client for agent " + agent + " is closed", false, null));
    }
    return send(type, body, options, progress, extraWait);
  }

  /** Sends without the closed check: the lock bookkeeping still releases while closing. */
  private CompletableFuture<Outcome> send(
      CommandType type,
      ObjectNode body,
      WriteOptions options,
      Consumer<Outcome> progress,
      Duration extraWait) {
    WriteOptions o = options == null ? WriteOptions.NONE : options;
    Command command =
        new Command(
            o.commandId() == null ? CommandIds.next() : o.commandId(),
            type,
            workspace,
            agent,
            Instant.now(),
            o.expectedVersion(),
            o.fence(),
            null,
            body);
    return transport.send(command, progress, extraWait);
  }

  /**
   * A view cancels its queued lock requests and releases its locks; the base client closes every
   * event subscription (its views' too), does the lock work for itself and every view that ever
   * acquired, then closes the connection the views share.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (base == null) {
      List.copyOf(subscriptions).forEach(KafkaEventSubscription::close);
      List.copyOf(views).forEach(KafkaBatonClient::close);
      locks.releaseAll();
      transport.close();
    } else {
      locks.releaseAll();
      base.views.remove(this);
    }
  }

  private final class Decisions implements DecisionOperations {
    @Override
    public CompletableFuture<Optional<RecordedDecision>> get(int number) {
      return reads.decision(workspace, number);
    }

    @Override
    public CompletableFuture<DecisionPage> list(DecisionQuery query) {
      return reads.decisions(workspace, query == null ? DecisionQuery.all() : query);
    }

    @Override
    public CompletableFuture<Outcome> record(NewDecision d, WriteOptions options) {
      CommandBodies.DecisionRecord body =
          new CommandBodies.DecisionRecord(
              d.title(),
              d.context(),
              d.decision(),
              d.alternatives(),
              d.consequences(),
              d.supersedes(),
              d.taskId());
      return submit(CommandType.DECISION_RECORD, CommandBodies.tree(body), commandIdOnly(options));
    }
  }

  private final class Tasks implements TaskOperations {
    @Override
    public CompletableFuture<Optional<Task>> get(String taskId) {
      return reads.task(workspace, taskId);
    }

    @Override
    public CompletableFuture<TaskPage> list(TaskQuery query) {
      return reads.tasks(workspace, query == null ? TaskQuery.all() : query);
    }

    @Override
    public CompletableFuture<Outcome> create(NewTask task, WriteOptions options) {
      CommandBodies.TaskCreate body =
          new CommandBodies.TaskCreate(
              task.id() == null ? CommandIds.taskId() : task.id(),
              task.title(),
              task.description(),
              task.priority(),
              task.labels(),
              task.dependsOn(),
              task.fields());
      return submit(CommandType.TASK_CREATE, CommandBodies.tree(body), commandIdOnly(options));
    }

    @Override
    public CompletableFuture<Outcome> update(
        String taskId, ObjectNode patch, WriteOptions options) {
      return write(
          CommandType.TASK_UPDATE,
          release -> new CommandBodies.TaskUpdate(taskId, patch, release),
          options);
    }

    @Override
    public CompletableFuture<Outcome> claim(String taskId, WriteOptions options) {
      return write(
          CommandType.TASK_CLAIM, release -> new CommandBodies.TaskClaim(taskId, release), options);
    }

    @Override
    public CompletableFuture<Outcome> transition(
        String taskId, TaskStatus to, String reason, WriteOptions options) {
      return write(
          CommandType.TASK_TRANSITION,
          release -> new CommandBodies.TaskTransition(taskId, to, reason, release),
          options);
    }

    /**
     * Sends a write to an existing task. With {@link WriteOptions#releaseLock()} the body asks the
     * topology to release the fenced grant ({@code "release": true}), and the lock bookkeeping
     * learns the answer.
     */
    private CompletableFuture<Outcome> write(
        CommandType type, Function<Boolean, CommandBodies.TaskWrite> body, WriteOptions options) {
      boolean release = options != null && options.releaseLock();
      ObjectNode tree = CommandBodies.tree(body.apply(release ? Boolean.TRUE : null));
      if (!release || options.fence() == null) {
        // Without a fence a release is rejected as invalid before it is sent.
        return submit(type, tree, options);
      }
      return locks.releasingWith(options.fence(), () -> submit(type, tree, options));
    }
  }
}
