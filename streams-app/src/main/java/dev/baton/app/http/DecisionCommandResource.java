package dev.baton.app.http;

import dev.baton.sdk.BatonClient;
import io.javalin.http.Context;

/**
 * {@code POST /v1/decisions/{workspace}}: records a decision on behalf of the agent named in
 * {@value Requests#AGENT_HEADER}. Answers 201 with the outcome: its {@code version} is the
 * decision's number in the workspace (1, 2, ...) and its {@code state} the recorded decision. A
 * {@code supersedes} that names no earlier decision is a 404 {@code NOT_FOUND}. Listing decisions
 * is the projection's job, not this API's.
 */
final class DecisionCommandResource {
  private final BatonClient client;
  private final CommandReplies replies;

  DecisionCommandResource(BatonClient client, CommandReplies replies) {
    this.client = client;
    this.replies = replies;
  }

  void record(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String agent = Requests.agent(ctx);
    RecordDecisionRequest request =
        RequestBodies.required(ctx, RecordDecisionRequest.class).checked();
    replies.answer(
        ctx,
        201,
        client
            .as(agent, workspace)
            .decisions()
            .record(request.toNewDecision(), Requests.idempotency(ctx)));
  }
}
