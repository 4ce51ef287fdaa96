package dev.baton.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.internal.KafkaBatonClient;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The client agents embed. Commands go to {@code baton.commands}; the outcome of each comes back on
 * the one partition of {@code baton.outcomes} this client reads, so a hundred agents do not each
 * read all outcomes. Thread-safe; close it to stop its reply reader and producer.
 *
 * <p>Threads: a reply reader and a timer (renewals, timeouts, lease deadlines) that never run user
 * code, and a callback executor ({@link Builder#callbackExecutor}) on which every future this
 * client returns is completed, so dependent stages ({@code thenApply}, ...) run there, as do
 * progress callbacks and the lock and health listeners. An exception a callback throws is logged
 * and changes nothing else. No method blocks its caller longer than the request timeout; failures
 * are all {@link BatonException}s, whose {@link BatonException#retriable()} says whether to try
 * again (with the same command id: see {@link WriteOptions#commandId()} and {@link
 * LockRequest#commandId()}). See {@code docs/sdk.md}.
 *
 * <pre>{@code
 * try (BatonClient baton = BatonClient.builder()
 *     .bootstrapServers("localhost:9092").agent("agent-7").build()) {
 *   Outcome created = baton.tasks().create(NewTask.titled("Fix login")).get();
 * }
 * }</pre>
 */
public interface BatonClient extends AutoCloseable {

  /**
   * Starts building a client.
   *
   * @return a builder with the defaults
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Task commands.
   *
   * @return the task operations of this client's agent and workspace
   */
  TaskOperations tasks();

  /**
   * Lock commands, with renewal and loss reporting.
   *
   * @return the lock operations of this client's agent and workspace
   */
  LockOperations locks();

  /**
   * Decision commands.
   *
   * @return the decision operations of this client's agent and workspace
   */
  DecisionOperations decisions();

  /**
   * Subscriptions to the events of this client's workspace (read from {@code baton.events}
   * directly; see {@link EventOperations}), from a cursor. Listeners run on the callback executor;
   * closing the base client closes every subscription of it and its views.
   *
   * @return the event operations of this client
   */
  default EventOperations events() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no event feed");
  }

  /**
   * Watches the events of this client's workspace that pass {@code filter}, committed from now on:
   * {@code events().subscribe(filter, null, listener)}. The listener runs on the callback executor,
   * one event at a time in log order per aggregate key; an exception it throws is logged and the
   * next event still comes. To resume after a restart without gaps, save the cursor each event
   * carries and use {@link EventOperations#subscribe} with it.
   *
   * @param filter which events; null for every event of the workspace
   * @param listener told of each event
   * @return the running subscription; close it to stop
   * @throws BatonException when the client is closed or {@code baton.events} cannot be reached
   */
  default EventSubscription watch(EventFilter filter, EventListener listener) {
    return events().subscribe(filter, null, listener);
  }

  /**
   * The agent named on every command of this client.
   *
   * @return the agent id
   */
  String agent();

  /**
   * The workspace of every command of this client.
   *
   * @return the workspace id
   */
  String workspace();

  /**
   * A view of this client acting for another agent and workspace, sharing its connections (the HTTP
   * gateway serves many agents through one client). Closing a view cancels the lock requests it
   * still waits for and releases the locks it holds, and leaves the shared connection open; later
   * commands on the closed view fail. Closing the base client closes its views first.
   *
   * @param agent the agent the view acts for
   * @param workspace the workspace of its commands
   * @return the view
   */
  BatonClient as(String agent, String workspace);

  /**
   * Whether commands get answers: false after a command went unanswered within its timeout or could
   * not be sent, or the reply reader hit an error; true again with the next outcome read.
   *
   * @return whether answers are coming
   */
  boolean isHealthy();

  /**
   * Told when {@link #isHealthy()} changes, on the callback executor.
   *
   * @param listener told of every change
   */
  void addHealthListener(HealthListener listener);

  /**
   * Sends one command of any type with a raw body and waits for its final outcome. Typed operations
   * ({@link #tasks()}) are built on it.
   *
   * @param type the command type
   * @param body the type-specific body
   * @param options guards and command id; null for none
   * @return the final outcome
   */
  default CompletableFuture<Outcome> submit(
      CommandType type, ObjectNode body, WriteOptions options) {
    return submit(type, body, options, outcome -> {}, Duration.ZERO);
  }

  /**
   * Like {@link #submit(CommandType, ObjectNode, WriteOptions)}, for commands whose final outcome
   * may come late (a queued lock request): {@code progress} sees intermediate outcomes and the
   * timeout is extended by {@code extraWait}.
   *
   * @param type the command type
   * @param body the type-specific body
   * @param options guards and command id; null for none
   * @param progress sees intermediate outcomes, on the callback executor
   * @param extraWait added to the request timeout
   * @return the final outcome
   */
  CompletableFuture<Outcome> submit(
      CommandType type,
      ObjectNode body,
      WriteOptions options,
      Consumer<Outcome> progress,
      Duration extraWait);

  /**
   * Cancels the lock requests this client (and each of its views) still waits for, waiting until
   * each is answered, releases every lock they hold, then closes the connection. Bounded: at most
   * about 5 s for the locks, then the Kafka clients' own close timeouts.
   */
  @Override
  void close();

  /** Builds a {@link BatonClient}. Only {@code bootstrapServers} and {@code agent} are required. */
  final class Builder {
    private String bootstrapServers;
    private String agent;
    private String workspace = AggregateKeys.DEFAULT_WORKSPACE;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Executor callbackExecutor;
    private URI httpServer;
    private Integer replyPartition;
    private Topics topics = Topics.DEFAULT;
    private final Map<String, Object> kafkaOverrides = new HashMap<>();

    private Builder() {}

    /**
     * The Kafka cluster Baton runs on (required).
     *
     * @param bootstrapServers {@code host:port[,host:port...]}
     * @return this builder
     */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    /**
     * The agent named on every command (required); the lock holder's identity.
     *
     * @param agent letters, digits and {@code . _ - : @}
     * @return this builder
     */
    public Builder agent(String agent) {
      this.agent = agent;
      return this;
    }

    /**
     * The workspace of every command (default {@code default}).
     *
     * @param workspace the workspace id
     * @return this builder
     */
    public Builder workspace(String workspace) {
      this.workspace = workspace;
      return this;
    }

    /**
     * How long a command's future waits for its outcome before failing (default 30 s).
     *
     * @param requestTimeout greater than zero
     * @return this builder
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * How long {@link #build()} may take to reach Kafka and find the topics before it fails with a
     * retriable {@link BatonException} (default 10 s). Sends that must wait for Kafka metadata wait
     * at most the smaller of this and the request timeout.
     *
     * @param connectTimeout greater than zero
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * Where callbacks run and futures complete (see {@link BatonClient}). By default a pool of
     * daemon threads named {@code baton-sdk-callbacks-...} that grows while callbacks block, so a
     * slow callback delays no other. The client does not shut a supplied executor down. The
     * callbacks of one command run in order (queue positions before the grant).
     *
     * @param callbackExecutor the executor
     * @return this builder
     */
    public Builder callbackExecutor(Executor callbackExecutor) {
      this.callbackExecutor = Objects.requireNonNull(callbackExecutor, "callbackExecutor");
      return this;
    }

    /**
     * A Baton node's HTTP address, for reads ({@code tasks().get/list}, {@code locks().status}):
     * the node answers from its state stores, forwarding to the owner of a key. Without it reads
     * fail with a {@link BatonException}; commands never need it.
     *
     * @param url e.g. {@code http://localhost:7070}
     * @return this builder
     */
    public Builder httpServer(String url) {
      this.httpServer = URI.create(url.endsWith("/") ? url : url + "/");
      return this;
    }

    /**
     * The partition of {@code baton.outcomes} this client reads; by default one chosen at random,
     * spreading clients over the partitions.
     *
     * @param partition a partition number (taken modulo the partition count)
     * @return this builder
     */
    public Builder replyPartition(int partition) {
      this.replyPartition = partition;
      return this;
    }

    /**
     * Topic names, when the deployment uses a prefix (default {@link Topics#DEFAULT}).
     *
     * @param topics the topic names
     * @return this builder
     */
    public Builder topics(Topics topics) {
      this.topics = Objects.requireNonNull(topics, "topics");
      return this;
    }

    /**
     * Extra Kafka client settings (security, timeouts) for the producer and the reply reader.
     *
     * @param key a Kafka client config key
     * @param value its value
     * @return this builder
     */
    public Builder kafkaProperty(String key, Object value) {
      kafkaOverrides.put(key, value);
      return this;
    }

    /**
     * Connects and starts the client.
     *
     * @return the connected client
     * @throws BatonException when Kafka or the topics cannot be reached within the connect timeout
     * @throws IllegalArgumentException when a setting is missing or out of range
     */
    public BatonClient build() {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers must be set");
      Objects.requireNonNull(agent, "agent must be set");
      positive("requestTimeout", requestTimeout);
      positive("connectTimeout", connectTimeout);
      return KafkaBatonClient.start(
          new KafkaBatonClient.Settings(
              bootstrapServers,
              agent,
              workspace,
              requestTimeout,
              connectTimeout,
              replyPartition,
              topics,
              Map.copyOf(kafkaOverrides),
              callbackExecutor,
              httpServer,
              KafkaBatonClient.Settings.clientId(agent, KafkaBatonClient.nextClientNumber())));
    }

    private static void positive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0, got " + value);
      }
    }
  }
}
