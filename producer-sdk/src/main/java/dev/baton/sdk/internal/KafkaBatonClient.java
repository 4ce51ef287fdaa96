package dev.baton.sdk.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.DecisionOperations;
import dev.baton.sdk.EventOperations;
import dev.baton.sdk.LockOperations;
import dev.baton.sdk.NewDecision;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.TaskOperations;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Names;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.TaskStatus;
import dev.baton.sdk.protocol.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** {@link BatonClient} over a shared {@link CommandTransport}; views share it without owning it. */
public final class KafkaBatonClient implements BatonClient {

  /** What the builder collected. */
  public record Settings(
      String bootstrapServers,
      String agent,
      String workspace,
      Duration requestTimeout,
      Integer replyPartition,
      Topics topics,
      Map<String, Object> kafkaOverrides) {}

  private final CommandTransport transport;
  private final boolean ownsTransport;
  private final String agent;
  private final String workspace;
  private final TaskOperations tasks = new Tasks();
  private final Locks locks;

  private KafkaBatonClient(
      CommandTransport transport, boolean ownsTransport, String agent, String workspace) {
    this.transport = transport;
    this.ownsTransport = ownsTransport;
    this.agent = Names.checkId("agent", agent);
    this.workspace = Names.checkId("workspace", workspace);
    this.locks = new Locks(this, transport.timer());
  }

  public static KafkaBatonClient start(Settings settings) {
    Names.checkId("agent", settings.agent());
    Names.checkId("workspace", settings.workspace());
    return new KafkaBatonClient(
        CommandTransport.start(settings), true, settings.agent(), settings.workspace());
  }

  @Override
  public TaskOperations tasks() {
    return tasks;
  }

  @Override
  public DecisionOperations decisions() {
    return this::recordDecision;
  }

  private CompletableFuture<Outcome> recordDecision(NewDecision d, WriteOptions options) {
    ObjectNode body = Json.mapper().valueToTree(d);
    return submit(CommandType.DECISION_RECORD, body, commandIdOnly(options));
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
    return (filter, from, listener) ->
        KafkaEventSubscription.start(transport.settings(), workspace, filter, from, listener);
  }

  @Override
  public BatonClient as(String agent, String workspace) {
    return new KafkaBatonClient(transport, false, agent, workspace);
  }

  @Override
  public CompletableFuture<Outcome> submit(
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

  @Override
  public void close() {
    locks.releaseAll();
    if (ownsTransport) {
      transport.close();
    }
  }

  private final class Tasks implements TaskOperations {
    @Override
    public CompletableFuture<Outcome> create(NewTask task, WriteOptions options) {
      ObjectNode body = Json.mapper().createObjectNode();
      body.put("taskId", task.id() == null ? CommandIds.taskId() : task.id());
      body.put("title", task.title());
      if (task.description() != null) body.put("description", task.description());
      if (task.priority() != null) body.put("priority", task.priority());
      if (task.labels() != null) body.set("labels", Json.mapper().valueToTree(task.labels()));
      if (task.dependsOn() != null) {
        body.set("dependsOn", Json.mapper().valueToTree(task.dependsOn()));
      }
      if (task.fields() != null) body.set("fields", task.fields());
      return submit(CommandType.TASK_CREATE, body, commandIdOnly(options));
    }

    @Override
    public CompletableFuture<Outcome> update(
        String taskId, ObjectNode patch, WriteOptions options) {
      ObjectNode body = Json.mapper().createObjectNode();
      body.put("taskId", taskId);
      body.set("patch", patch);
      return write(CommandType.TASK_UPDATE, body, options);
    }

    @Override
    public CompletableFuture<Outcome> claim(String taskId, WriteOptions options) {
      ObjectNode body = Json.mapper().createObjectNode();
      body.put("taskId", taskId);
      return write(CommandType.TASK_CLAIM, body, options);
    }

    @Override
    public CompletableFuture<Outcome> transition(
        String taskId, TaskStatus to, WriteOptions options) {
      ObjectNode body = Json.mapper().createObjectNode();
      body.put("taskId", taskId);
      body.put("to", to.name());
      return write(CommandType.TASK_TRANSITION, body, options);
    }

    /**
     * Sends a write to an existing task. With {@link WriteOptions#releaseLock()} the body asks the
     * topology to release the fenced grant, and the lock bookkeeping learns the answer.
     */
    private CompletableFuture<Outcome> write(
        CommandType type, ObjectNode body, WriteOptions options) {
      if (options == null || !options.releaseLock()) {
        return submit(type, body, options);
      }
      body.put("release", true);
      if (options.fence() == null) {
        // Rejected as invalid before it is sent.
        return submit(type, body, options);
      }
      return locks.releasingWith(options.fence(), () -> submit(type, body, options));
    }
  }
}
