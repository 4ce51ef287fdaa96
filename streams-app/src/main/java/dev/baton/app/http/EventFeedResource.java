package dev.baton.app.http;

import dev.baton.app.feed.EventFeed;
import dev.baton.app.feed.FeedPage;
import dev.baton.app.feed.FeedQuery;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code GET /v1/events/{workspace}}: the event feed, as a long poll ({@code {"events": [...],
 * "next": cursor}}) or, with {@code Accept: text/event-stream}, as server-sent events. See {@link
 * FeedRequest} for the parameters and {@code docs/protocol.md} for cursor semantics.
 *
 * <p>Neither shape holds a thread while it waits: a long poll is a future completed by the feed's
 * dispatcher (or its deadline), a stream is an {@link EventStream} written without blocking.
 */
final class EventFeedResource {
  private static final String EVENT_STREAM = "text/event-stream";

  private final EventFeed feed;
  private final Executor responses;

  EventFeedResource(EventFeed feed, Executor responses) {
    this.feed = feed;
    this.responses = responses;
  }

  void get(Context ctx) {
    FeedRequest request = FeedRequest.of(ctx);
    FeedQuery query =
        request.query().from() == null ? request.query().from(feed.now()) : request.query();
    String accept = ctx.header("Accept");
    if (accept != null && accept.contains(EVENT_STREAM)) {
      stream(ctx, query);
      return;
    }
    ctx.future(
        () ->
            feed.poll(query, request.maxWait())
                .thenAcceptAsync(
                    page -> {
                      ctx.contentType("application/json");
                      ctx.result(FeedJson.page(page));
                    },
                    responses));
  }

  /**
   * The first page decides the status: an expired or malformed start is answered like a long poll
   * (410, 400); otherwise the stream starts with that page.
   */
  private void stream(Context ctx, FeedQuery query) {
    FeedPage recent = feed.readRecent(query);
    CompletableFuture<FeedPage> first =
        recent != null ? CompletableFuture.completedFuture(recent) : feed.read(query);
    boolean fromMemory = recent != null;
    ctx.future(
        () ->
            first.thenComposeAsync(
                page -> {
                  HttpServletResponse res = ctx.res();
                  res.setStatus(200);
                  res.setContentType(EVENT_STREAM);
                  res.setCharacterEncoding("UTF-8");
                  res.setHeader("Cache-Control", "no-cache");
                  res.setHeader("X-Accel-Buffering", "no");
                  ServletOutputStream out;
                  try {
                    out = res.getOutputStream();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  EventStream stream = new EventStream(feed, out, query);
                  stream.start(page, fromMemory);
                  return stream.closed();
                },
                responses));
  }
}
