package dev.baton.app.http;

import dev.baton.sdk.BatonClient;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.Names;
import dev.baton.sdk.protocol.Outcome;
import io.javalin.http.Context;
import java.util.concurrent.CompletableFuture;

/**
 * Task commands, sent through the SDK on behalf of the agent named in {@value
 * Requests#AGENT_HEADER}: create ({@code POST /v1/tasks/{workspace}}, 201), update ({@code PATCH
 * /v1/tasks/{workspace}/{id}}), claim and transition ({@code POST .../{id}/claim}, {@code
 * .../{id}/transition}), each with the optional guards of {@link TaskWriteGuards}. Success answers
 * with the outcome (its {@code state} is the task after the change); a rejection is an {@link
 * ErrorBody} carrying the outcome. Answers are written by {@link CommandReplies}, never blocking a
 * Jetty thread.
 */
final class TaskCommandResource {
  private final BatonClient client;
  private final CommandReplies replies;

  TaskCommandResource(BatonClient client, CommandReplies replies) {
    this.client = client;
    this.replies = replies;
  }

  void create(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String agent = Requests.agent(ctx);
    CreateTaskRequest request = RequestBodies.required(ctx, CreateTaskRequest.class);
    if (request.id() != null) {
      Names.checkId("id", request.id());
    }
    WriteOptions idempotency = Requests.idempotency(ctx);
    if (idempotency.commandId() != null && request.id() == null) {
      throw ApiError.invalid(
          "a create with header "
              + Requests.IDEMPOTENCY_HEADER
              + " needs an 'id': without one every attempt would make a task of its own");
    }
    answer(ctx, 201, client.as(agent, workspace).tasks().create(request.toNewTask(), idempotency));
  }

  void update(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String id = Requests.pathId(ctx, "id");
    String agent = Requests.agent(ctx);
    UpdateTaskRequest request = UpdateTaskRequest.from(RequestBodies.tree(ctx));
    answer(
        ctx,
        200,
        client
            .as(agent, workspace)
            .tasks()
            .update(id, request.patch(), options(ctx, request.guards(), id)));
  }

  void claim(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String id = Requests.pathId(ctx, "id");
    String agent = Requests.agent(ctx);
    ClaimTaskRequest request = RequestBodies.optional(ctx, ClaimTaskRequest.class);
    TaskWriteGuards guards = request == null ? TaskWriteGuards.NONE : request.guards();
    answer(ctx, 200, client.as(agent, workspace).tasks().claim(id, options(ctx, guards, id)));
  }

  void transition(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String id = Requests.pathId(ctx, "id");
    String agent = Requests.agent(ctx);
    TransitionTaskRequest request = RequestBodies.required(ctx, TransitionTaskRequest.class);
    if (request.to() == null) {
      throw ApiError.invalid("field 'to' (the target status) is required");
    }
    answer(
        ctx,
        200,
        client
            .as(agent, workspace)
            .tasks()
            .transition(id, request.to(), request.reason(), options(ctx, request.guards(), id)));
  }

  private static WriteOptions options(Context ctx, TaskWriteGuards guards, String taskId) {
    return guards.options(taskId).withCommandId(Requests.idempotency(ctx).commandId());
  }

  private void answer(Context ctx, int status, CompletableFuture<Outcome> outcome) {
    replies.answer(ctx, status, outcome);
  }
}
