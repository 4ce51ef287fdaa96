package dev.baton.app.http;

import dev.baton.app.feed.FeedParams;
import dev.baton.app.feed.FeedQuery;
import dev.baton.sdk.EventFilter;
import dev.baton.sdk.protocol.EventCursor;
import dev.baton.sdk.protocol.Names;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of {@code GET /v1/events/{workspace}}, validated: anything malformed, out of range
 * or unknown is a 400 naming the parameter, before any reading starts.
 *
 * @param query workspace, filter, start and limit; {@code from} null means "now"
 * @param maxWait how long a long poll may wait for a first event
 */
record FeedRequest(FeedQuery query, Duration maxWait) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  static final String LAST_EVENT_ID = "Last-Event-ID";

  private static final Set<String> PARAMETERS =
      Set.of("after", "types", "task", "resource", "agent", "limit", "waitMs");

  /**
   * Reads the request; {@code from} is null when neither a cursor nor {@code beginning} is given.
   */
  static FeedRequest of(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    Map<String, List<String>> params = ctx.queryParamMap();
    for (String name : params.keySet()) {
      if (!PARAMETERS.contains(name)) {
        throw ApiError.invalid(
            "unknown query parameter '"
                + Names.printable(name)
                + "'; known are "
                + PARAMETERS.stream().sorted().toList());
      }
    }
    // The shared readers throw InvalidCommandException, which ErrorMapper answers 400 INVALID.
    EventFilter filter =
        new EventFilter(
            FeedParams.types("types", params.getOrDefault("types", List.of())),
            single(params, "task"),
            single(params, "resource"),
            single(params, "agent"));
    String after = ctx.header(LAST_EVENT_ID);
    String field = "header " + LAST_EVENT_ID;
    if (after == null || after.isEmpty()) {
      after = single(params, "after");
      field = "after";
    }
    EventCursor from = FeedParams.cursor(field, after);
    int limit = (int) number(single(params, "limit"), "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
    long waitMs = number(single(params, "waitMs"), "waitMs", 0, FeedParams.MAX_WAIT_MS, 0);
    return new FeedRequest(
        new FeedQuery(workspace, filter, from, limit), Duration.ofMillis(waitMs));
  }

  private static String single(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ApiError.invalid(name + " is given " + values.size() + " times; give it at most once");
    }
    return values.get(0);
  }

  private static long number(String value, String name, long min, long max, long fallback) {
    if (value == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      n = Long.MIN_VALUE;
    }
    if (n < min || n > max) {
      throw ApiError.invalid(
          name
              + " must be an integer from "
              + min
              + " to "
              + max
              + ", got '"
              + Names.printable(value)
              + "'");
    }
    return n;
  }
}
