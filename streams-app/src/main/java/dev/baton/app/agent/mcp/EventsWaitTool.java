package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.feed.EventFeed;
import dev.baton.app.feed.FeedEntry;
import dev.baton.app.feed.FeedPage;
import dev.baton.app.feed.FeedParams;
import dev.baton.app.feed.FeedQuery;
import dev.baton.sdk.EventFilter;
import dev.baton.sdk.protocol.EventCursor;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code events_wait}: the event feed as a long poll ({@code GET /v1/events/{ws}} with {@code
 * waitMs}), over the node's own {@link EventFeed}, with the route's parameter checks ({@link
 * FeedParams}). Answers {@code {"events": [...], "next": cursor}} at once when events match after
 * {@code after}, else at the first one, else after {@code timeoutMs} with no events and {@code
 * next} moved past what the filters skipped. Events are compact: type, key, version, agent, at and
 * the data (tasks and locks compacted as in the other tools); ids and command ids are left out.
 *
 * <p>The feed waits without a thread (a future its dispatcher completes), but the MCP SDK's servlet
 * transport blocks the request's thread until every tool call answers, so a waiting call holds one
 * Jetty thread (and one worker of the SDK's sync server) for at most {@code timeoutMs}.
 */
final class EventsWaitTool implements McpTool {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  static final long DEFAULT_TIMEOUT_MS = 25_000;

  /** Beyond the wait: a catch-up read from Kafka may still be answering when the wait ends. */
  static final Duration READ_GRACE = Duration.ofSeconds(15);

  private final EventFeed feed;

  /** {@code feed} null: the node has no event feed; every call answers {@code UNAVAILABLE}. */
  EventsWaitTool(EventFeed feed) {
    this.feed = feed;
  }

  @Override
  public String name() {
    return "events_wait";
  }

  @Override
  public String description() {
    return "Wait up to timeoutMs (max 50000) for events after cursor 'after' (from baton_status or"
        + " a 'next'; absent = from now). Call again with 'next'.";
  }

  @Override
  public String inputSchema() {
    return "{\"type\":\"object\",\"properties\":{"
        + "\"after\":{\"type\":\"string\",\"description\":\"cursor, or 'beginning'\"},"
        + "\"types\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
        + "\"description\":\"e.g. task.created, lock.granted\"},"
        + "\"task\":{\"type\":\"string\"},\"resource\":{\"type\":\"string\"},"
        + "\"agent\":{\"type\":\"string\"},"
        + "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":"
        + MAX_LIMIT
        + ",\"default\":"
        + DEFAULT_LIMIT
        + "},\"timeoutMs\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":"
        + FeedParams.MAX_WAIT_MS
        + ",\"default\":"
        + DEFAULT_TIMEOUT_MS
        + "}},\"additionalProperties\":false}";
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public JsonNode call(ToolCall call) {
    ToolArgs args =
        call.args()
            .only(Set.of("after", "types", "task", "resource", "agent", "limit", "timeoutMs"));
    FeedQuery query = query(call.workspace(), args);
    Long timeoutArg = args.optLong("timeoutMs", 0, FeedParams.MAX_WAIT_MS);
    Duration wait = Duration.ofMillis(timeoutArg == null ? DEFAULT_TIMEOUT_MS : timeoutArg);
    if (feed == null) {
      throw new ToolFailure(
          "UNAVAILABLE", "this node has no event feed; ask a node that runs one", null);
    }
    FeedQuery from = query.from() == null ? query.from(feed.now()) : query;
    FeedPage page;
    try {
      page = feed.poll(from, wait).get(wait.plus(READ_GRACE).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailure("CANCELLED", "the call was interrupted", null);
    } catch (TimeoutException e) {
      throw new ToolFailure(
          "TIMEOUT", "the feed did not answer in time (catching up from Kafka); retry", null);
    } catch (ExecutionException e) {
      throw Compact.failure(e);
    }
    return result(page);
  }

  /** The arguments as the feed's query; {@code from} null means "now". */
  private FeedQuery query(String workspace, ToolArgs args) {
    try {
      List<String> types = args.optStrings("types");
      EventFilter filter =
          new EventFilter(
              FeedParams.types("types", types == null ? List.of() : types),
              args.optString("task"),
              args.optString("resource"),
              args.optString("agent"));
      EventCursor from = FeedParams.cursor("after", args.optString("after"));
      Long limit = args.optLong("limit", 1, MAX_LIMIT);
      return new FeedQuery(
          workspace, filter, from, limit == null ? DEFAULT_LIMIT : limit.intValue());
    } catch (InvalidCommandException e) {
      throw ToolFailure.invalid(name() + ": " + e.getMessage());
    }
  }

  private static ObjectNode result(FeedPage page) {
    ObjectNode out = ToolJson.object();
    ArrayNode events = out.putArray("events");
    for (FeedEntry e : page.events()) {
      events.add(compact(e));
    }
    out.put("next", page.next().encode());
    return out;
  }

  /** One stored event envelope, compacted ({@link Compact#event}). */
  static ObjectNode compact(FeedEntry entry) {
    try {
      return Compact.event(Json.mapper().readTree(entry.json()));
    } catch (IOException e) {
      throw new IllegalStateException("an event on the feed is not JSON", e);
    }
  }
}
