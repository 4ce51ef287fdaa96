package dev.baton.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.DecisionOperations;
import dev.baton.sdk.DecisionPage;
import dev.baton.sdk.DecisionQuery;
import dev.baton.sdk.NewDecision;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.RecordedDecision;
import dev.baton.sdk.TaskOperations;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.CommandBodies;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Names;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.TaskStatus;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link BatonClient} that records each call and answers with a scripted future. Built as a
 * dynamic proxy, so methods the HTTP API does not use need no stub (and the interface may grow).
 * {@link BatonClient#locks()} is refused on purpose: the gateway must send raw lock commands, since
 * the SDK's lock operations renew leases on their own.
 */
final class FakeBatonClient {
  /**
   * One call through the SDK: which operation, for whom, and with what; for {@code submit} also the
   * progress listener (intermediate outcomes) and the extra wait.
   */
  record Call(
      String operation,
      String agent,
      String workspace,
      String taskId,
      JsonNode body,
      WriteOptions options,
      Consumer<Outcome> progress,
      Duration extraWait) {

    Call(
        String operation,
        String agent,
        String workspace,
        String taskId,
        JsonNode body,
        WriteOptions options) {
      this(operation, agent, workspace, taskId, body, options, outcome -> {}, Duration.ZERO);
    }
  }

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile Function<Call, CompletableFuture<Outcome>> answer =
      call -> new CompletableFuture<>();

  /** Answers every later call with {@code answer}. */
  void answer(Function<Call, CompletableFuture<Outcome>> answer) {
    this.answer = answer;
  }

  List<Call> calls() {
    return calls;
  }

  BatonClient client() {
    return view("baton-http", "default");
  }

  private BatonClient view(String agent, String workspace) {
    TaskOperations tasks = tasks(agent, workspace);
    DecisionOperations decisions = decisions(agent, workspace);
    return (BatonClient)
        Proxy.newProxyInstance(
            BatonClient.class.getClassLoader(),
            new Class<?>[] {BatonClient.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "as" -> {
                    // The real client checks both names the same way.
                    Names.checkId("agent", (String) args[0]);
                    Names.checkId("workspace", (String) args[1]);
                    yield view((String) args[0], (String) args[1]);
                  }
                  case "tasks" -> tasks;
                  case "decisions" -> decisions;
                  case "locks" ->
                      throw new UnsupportedOperationException(
                          "locks() renews leases on its own; the gateway must submit raw commands");
                  case "agent" -> agent;
                  case "workspace" -> workspace;
                  case "submit" -> record(submitted(agent, workspace, args));
                  case "close" -> null;
                  case "toString" -> "FakeBatonClient(" + agent + ", " + workspace + ")";
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  /** A call of either {@code submit}: the short form has no progress listener and no extra wait. */
  @SuppressWarnings("unchecked")
  private static Call submitted(String agent, String workspace, Object[] args) {
    ObjectNode body = (ObjectNode) args[1];
    boolean full = args.length > 3;
    return new Call(
        ((CommandType) args[0]).wire(),
        agent,
        workspace,
        body.path("taskId").asText(null),
        body,
        (WriteOptions) args[2],
        full ? (Consumer<Outcome>) args[3] : outcome -> {},
        full ? (Duration) args[4] : Duration.ZERO);
  }

  private DecisionOperations decisions(String agent, String workspace) {
    return new DecisionOperations() {
      @Override
      public CompletableFuture<Outcome> record(NewDecision decision, WriteOptions options) {
        return FakeBatonClient.this.record(
            new Call(
                "decision.record",
                agent,
                workspace,
                decision.taskId(),
                Json.mapper().valueToTree(decision),
                options));
      }

      @Override
      public CompletableFuture<Optional<RecordedDecision>> get(int number) {
        throw new UnsupportedOperationException("decision reads are not faked");
      }

      @Override
      public CompletableFuture<DecisionPage> list(DecisionQuery query) {
        throw new UnsupportedOperationException("decision reads are not faked");
      }
    };
  }

  private TaskOperations tasks(String agent, String workspace) {
    return (TaskOperations)
        Proxy.newProxyInstance(
            TaskOperations.class.getClassLoader(),
            new Class<?>[] {TaskOperations.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "create" -> {
                    NewTask task = (NewTask) args[0];
                    yield record(
                        new Call(
                            "task.create",
                            agent,
                            workspace,
                            task.id(),
                            Json.mapper().valueToTree(task),
                            args.length > 1 ? (WriteOptions) args[1] : WriteOptions.NONE));
                  }
                  case "update" ->
                      record(
                          new Call(
                              "task.update",
                              agent,
                              workspace,
                              (String) args[0],
                              (ObjectNode) args[1],
                              (WriteOptions) args[2]));
                  case "claim" ->
                      record(
                          new Call(
                              "task.claim",
                              agent,
                              workspace,
                              (String) args[0],
                              null,
                              args.length > 1 ? (WriteOptions) args[1] : WriteOptions.NONE));
                  case "transition" -> {
                    // transition(id, to[, reason], options): the reason is the third of four.
                    String reason = args.length > 3 ? (String) args[2] : null;
                    WriteOptions options =
                        args.length > 2 ? (WriteOptions) args[args.length - 1] : WriteOptions.NONE;
                    yield record(
                        new Call(
                            "task.transition",
                            agent,
                            workspace,
                            (String) args[0],
                            CommandBodies.tree(
                                new CommandBodies.TaskTransition(
                                    (String) args[0], (TaskStatus) args[1], reason, null)),
                            options));
                  }
                  case "toString" -> "FakeTaskOperations";
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private CompletableFuture<Outcome> record(Call call) {
    calls.add(call);
    return answer.apply(call);
  }
}
