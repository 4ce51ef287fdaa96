package dev.baton.app.http;

import dev.baton.app.auth.Principal;
import dev.baton.app.http.CommandReplies.Reply;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeStatus;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lock commands on behalf of the agent named in {@value Requests#AGENT_HEADER}: {@code POST
 * /v1/locks/{workspace}/acquire}, {@code .../renew}, {@code .../release} and {@code .../cancel},
 * the resource in the body (resources contain {@code /}). Success answers with a {@link
 * LockAnswer}; a rejection is an {@link ErrorBody} carrying the outcome (its {@code state} is the
 * lock).
 *
 * <p>Commands go out raw through {@link BatonClient#submit}, never through {@link
 * BatonClient#locks()}: the SDK's lock operations renew every grant on their own, and the gateway
 * must not keep leases alive for HTTP clients that may be gone. An HTTP client renews explicitly.
 *
 * <p>Acquire has two shapes. By default it is a long poll: the HTTP request is answered with the
 * final outcome, 200 {@code GRANTED}, or a rejection ({@code LOCKED} at once when {@code waitMs} is
 * 0, {@code EXPIRED} when the wait runs out, {@code CANCELLED}); it is held at most {@code waitMs}
 * plus the SDK's timeout, without blocking a Jetty thread. With {@code "async": true} it is
 * answered with the first outcome: 200 {@code GRANTED}, or 202 {@code QUEUED} with the {@code
 * position}; the request stays in the queue and the client follows it with {@code GET
 * /v1/locks/{workspace}?resource=} (its agent among the holders means granted) or leaves with
 * {@code cancel}.
 *
 * <p>A retry with the same {@code Idempotency-Key}, on any node and after any crash, takes the same
 * two shapes: the topology answers it with the request's newest outcome and sends the final one to
 * this gateway's reply partition too (see {@code CommandProcessor}), so a long poll is answered on
 * the grant and an async retry is 202 while the request still waits.
 */
final class LockCommandResource {
  private static final Logger LOG = LoggerFactory.getLogger(LockCommandResource.class);

  private final BatonClient client;
  private final CommandReplies replies;

  LockCommandResource(BatonClient client, CommandReplies replies) {
    this.client = client;
    this.replies = replies;
  }

  void acquire(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String agent = Requests.agent(ctx);
    AcquireLockRequest request = RequestBodies.required(ctx, AcquireLockRequest.class).checked();
    BatonClient as = client.as(agent, workspace);
    if (request.answersEarly()) {
      // The first outcome answers: GRANTED (or a rejection) as final, else QUEUED as progress.
      // Nobody waits for a later one, so the SDK need not either (no extra wait).
      CompletableFuture<Outcome> first = new CompletableFuture<>();
      as.submit(
              CommandType.LOCK_ACQUIRE,
              request.commandBody(),
              Requests.idempotency(ctx),
              first::complete,
              Duration.ZERO)
          .whenComplete(
              (done, failure) -> {
                if (failure != null) {
                  first.completeExceptionally(failure);
                } else {
                  first.complete(done);
                }
              });
      replies.answer(ctx, first.thenApply(done -> acquired(request, done)), Duration.ZERO);
      return;
    }
    Consumer<Outcome> queued =
        outcome ->
            LOG.debug(
                "lock request {} of {} for {} queued at position {}",
                outcome.commandId(),
                agent,
                outcome.key(),
                outcome.position());
    CompletableFuture<Outcome> granted =
        as.submit(
            CommandType.LOCK_ACQUIRE,
            request.commandBody(),
            Requests.idempotency(ctx),
            queued,
            request.waitTime());
    replies.answer(ctx, granted.thenApply(done -> acquired(request, done)), request.waitTime());
  }

  void renew(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String agent = Requests.agent(ctx);
    RenewLockRequest request = RequestBodies.required(ctx, RenewLockRequest.class).checked();
    CompletableFuture<Outcome> renewed =
        client
            .as(agent, workspace)
            .submit(CommandType.LOCK_RENEW, request.commandBody(), Requests.idempotency(ctx));
    replies.answer(
        ctx,
        renewed.thenApply(done -> new Reply(200, LockAnswer.ofHolder(request.resource(), done))),
        Duration.ZERO);
  }

  void release(Context ctx) {
    resourceCommand(ctx, CommandType.LOCK_RELEASE);
  }

  void cancel(Context ctx) {
    resourceCommand(ctx, CommandType.LOCK_CANCEL);
  }

  /**
   * {@code POST /v1/locks/{workspace}/force-release}: an admin ends another agent's grant. With
   * auth on, any other token is 403 before anything is sent; without auth every caller is trusted,
   * as for every other command. The event records the admin as its agent and the grants that ended
   * ({@code forced}).
   */
  void forceRelease(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String agent = Requests.agent(ctx);
    Principal principal = ctx.attribute(AuthFilter.PRINCIPAL);
    if (principal != null && !principal.isAdmin()) {
      throw ApiError.forbidden(
          "force-releasing a lock needs an admin token; the token of "
              + agent
              + " has role "
              + principal.role().wireName());
    }
    ForceReleaseRequest request = RequestBodies.required(ctx, ForceReleaseRequest.class).checked();
    CompletableFuture<Outcome> done =
        client
            .as(agent, workspace)
            .submit(
                CommandType.LOCK_FORCE_RELEASE, request.commandBody(), Requests.idempotency(ctx));
    replies.answer(
        ctx,
        done.thenApply(
            outcome -> {
              if (outcome.status() == OutcomeStatus.ACCEPTED) {
                LOG.info(
                    "lock {} in {} force-released by {}: {}",
                    request.resource(),
                    workspace,
                    agent,
                    outcome.message());
              }
              return new Reply(200, new LockAnswer(request.resource(), null, outcome));
            }),
        Duration.ZERO);
  }

  private void resourceCommand(Context ctx, CommandType type) {
    String workspace = Requests.pathId(ctx, "workspace");
    String agent = Requests.agent(ctx);
    LockResourceRequest request = RequestBodies.required(ctx, LockResourceRequest.class).checked();
    CompletableFuture<Outcome> done =
        client.as(agent, workspace).submit(type, request.commandBody(), Requests.idempotency(ctx));
    replies.answer(
        ctx,
        done.thenApply(
            outcome -> new Reply(200, new LockAnswer(request.resource(), null, outcome))),
        Duration.ZERO);
  }

  /**
   * 202 while the request waits in the queue, 200 once granted; a retry's {@code DUPLICATE} answers
   * with the status of what it repeats, so a retried queued request is 202 too.
   */
  private static Reply acquired(AcquireLockRequest request, Outcome outcome) {
    OutcomeStatus effective =
        outcome.status() == OutcomeStatus.DUPLICATE ? outcome.originalStatus() : outcome.status();
    int status = effective == OutcomeStatus.QUEUED ? 202 : 200;
    return new Reply(status, new LockAnswer(request.resource(), request.mode(), outcome));
  }
}
