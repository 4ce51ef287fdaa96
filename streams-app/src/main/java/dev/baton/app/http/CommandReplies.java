package dev.baton.app.http;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Writes the answer to a command once its outcome arrives, for every command resource.
 *
 * <p>Handlers never block a Jetty thread on Kafka: they hand Javalin the SDK's future ({@code
 * ctx.future}), which the SDK times out itself; {@code deadline} (plus the time a lock request may
 * wait) is only a backstop. The answer is written on {@code responses}, never on the SDK's
 * reply-reader thread, so a slow HTTP client cannot stall the outcomes of every other agent. A
 * failed future goes to {@link ErrorMapper} like any other exception.
 */
final class CommandReplies {
  /** One answer: HTTP status and the body to write as JSON. */
  record Reply(int status, Object body) {}

  private final Executor responses;
  private final Duration deadline;

  CommandReplies(Executor responses, Duration deadline) {
    this.responses = responses;
    this.deadline = deadline;
  }

  /** Answers with {@code status} and the outcome itself as the body. */
  void answer(Context ctx, int status, CompletableFuture<?> outcome) {
    answer(ctx, outcome.thenApply(done -> new Reply(status, done)), Duration.ZERO);
  }

  /**
   * Answers with whatever {@code reply} completes with; {@code extraWait} extends the backstop for
   * commands whose outcome may come late (a lock request waiting in its queue).
   */
  void answer(Context ctx, CompletableFuture<Reply> reply, Duration extraWait) {
    long backstopMs = saturatedSum(deadline.toMillis(), extraWait.toMillis());
    ctx.future(
        () ->
            reply
                .orTimeout(backstopMs, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((done, failure) -> {}, responses)
                .thenAccept(done -> ctx.status(done.status()).json(done.body())));
  }

  private static long saturatedSum(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
