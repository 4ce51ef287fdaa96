package dev.baton.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.internal.KafkaBatonClient;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The client agents embed. Commands go to {@code baton.commands}; the outcome of each comes back on
 * the one partition of {@code baton.outcomes} this client reads, so a hundred agents do not each
 * read all outcomes. Thread-safe; close it to stop its reply reader and producer.
 *
 * <pre>{@code
 * try (BatonClient baton = BatonClient.builder()
 *     .bootstrapServers("localhost:9092").agent("agent-7").build()) {
 *   Outcome created = baton.tasks().create(NewTask.titled("Fix login")).get();
 * }
 * }</pre>
 */
public interface BatonClient extends AutoCloseable {

  static Builder builder() {
    return new Builder();
  }

  TaskOperations tasks();

  LockOperations locks();

  DecisionOperations decisions();

  /**
   * Subscriptions to the events of this client's workspace (read from {@code baton.events}
   * directly; see {@link EventOperations}).
   */
  default EventOperations events() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no event feed");
  }

  /** The agent named on every command of this client. */
  String agent();

  /** The workspace of every command of this client. */
  String workspace();

  /**
   * A view of this client acting for another agent and workspace, sharing its connections (the HTTP
   * gateway serves many agents through one client). Closing a view does nothing.
   */
  BatonClient as(String agent, String workspace);

  /**
   * Sends one command of any type with a raw body and waits for its final outcome. Typed operations
   * ({@link #tasks()}) are built on it.
   */
  default CompletableFuture<Outcome> submit(
      CommandType type, ObjectNode body, WriteOptions options) {
    return submit(type, body, options, outcome -> {}, Duration.ZERO);
  }

  /**
   * Like {@link #submit(CommandType, ObjectNode, WriteOptions)}, for commands whose final outcome
   * may come late (a queued lock request): {@code progress} sees intermediate outcomes and the
   * timeout is extended by {@code extraWait}.
   */
  CompletableFuture<Outcome> submit(
      CommandType type,
      ObjectNode body,
      WriteOptions options,
      Consumer<Outcome> progress,
      Duration extraWait);

  @Override
  void close();

  /** Builds a {@link BatonClient}. Only {@code bootstrapServers} and {@code agent} are required. */
  final class Builder {
    private String bootstrapServers;
    private String agent;
    private String workspace = AggregateKeys.DEFAULT_WORKSPACE;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Integer replyPartition;
    private Topics topics = Topics.DEFAULT;
    private final Map<String, Object> kafkaOverrides = new HashMap<>();

    private Builder() {}

    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    public Builder agent(String agent) {
      this.agent = agent;
      return this;
    }

    public Builder workspace(String workspace) {
      this.workspace = workspace;
      return this;
    }

    /** How long a command's future waits for its outcome before failing (default 30 s). */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * The partition of {@code baton.outcomes} this client reads; by default one chosen at random,
     * spreading clients over the partitions.
     */
    public Builder replyPartition(int partition) {
      this.replyPartition = partition;
      return this;
    }

    /** Topic names, when the deployment uses a prefix (default {@link Topics#DEFAULT}). */
    public Builder topics(Topics topics) {
      this.topics = Objects.requireNonNull(topics, "topics");
      return this;
    }

    /** Extra Kafka client settings (security, timeouts) for the producer and the reply reader. */
    public Builder kafkaProperty(String key, Object value) {
      kafkaOverrides.put(key, value);
      return this;
    }

    public BatonClient build() {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers must be set");
      Objects.requireNonNull(agent, "agent must be set");
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be > 0, got " + requestTimeout);
      }
      return KafkaBatonClient.start(
          new KafkaBatonClient.Settings(
              bootstrapServers,
              agent,
              workspace,
              requestTimeout,
              replyPartition,
              topics,
              Map.copyOf(kafkaOverrides)));
    }
  }
}
