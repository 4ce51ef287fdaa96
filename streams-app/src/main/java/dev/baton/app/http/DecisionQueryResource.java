package dev.baton.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.agent.DecisionSource.DecisionsUnavailableException;
import dev.baton.app.agent.ProjectionDecisions;
import dev.baton.sdk.protocol.Names;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decision reads: {@code GET /v1/decisions/{workspace}?task=&status=&limit=&before=} (newest first;
 * {@code next} is the {@code before} of the following page) and {@code GET
 * /v1/decisions/{workspace}/{number}}.
 *
 * <p>Served from the SQL projection: the topology's {@code decisions} store keeps only the last
 * number per workspace, so the projection is the one store holding decisions (see {@code
 * docs/architecture.md}). A node without it (no projection sink) answers 503 saying so. Each answer
 * adds {@code status}: {@code ACTIVE}, or {@code SUPERSEDED} with {@code supersededBy}.
 */
final class DecisionQueryResource {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  /** Answer shape of the listing. */
  record DecisionPage(List<JsonNode> decisions, Long next) {}

  private final ProjectionDecisions decisions;

  DecisionQueryResource(ProjectionDecisions decisions) {
    this.decisions = decisions;
  }

  void list(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    String task = optionalId("task", ctx.queryParam("task"));
    String status = status(ctx.queryParam("status"));
    long before = number("before", ctx.queryParam("before"), Long.MAX_VALUE);
    int limit = (int) number("limit", ctx.queryParam("limit"), DEFAULT_LIMIT);
    if (limit > MAX_LIMIT) {
      throw ApiError.invalid("limit must be an integer from 1 to " + MAX_LIMIT + ", got " + limit);
    }
    List<JsonNode> all = withStatus(read(workspace));
    List<JsonNode> page = new ArrayList<>();
    Long next = null;
    for (int i = all.size() - 1; i >= 0; i--) {
      JsonNode d = all.get(i);
      long n = d.path("number").asLong();
      if (n >= before
          || (task != null && !task.equals(d.path("taskId").asText(null)))
          || (status != null && !status.equals(d.path("status").asText()))) {
        continue;
      }
      if (page.size() == limit) {
        next = page.get(page.size() - 1).path("number").asLong();
        break;
      }
      page.add(d);
    }
    ctx.json(new DecisionPage(page, next));
  }

  void get(Context ctx) {
    String workspace = Requests.pathId(ctx, "workspace");
    long number = number("number", ctx.pathParam("number"), 0);
    for (JsonNode d : withStatus(read(workspace))) {
      if (d.path("number").asLong() == number) {
        ctx.json(d);
        return;
      }
    }
    throw ApiError.notFound(
        "decision " + number + " of workspace " + workspace + " does not exist");
  }

  private List<JsonNode> read(String workspace) {
    try {
      return decisions.all(workspace);
    } catch (DecisionsUnavailableException e) {
      throw ApiError.unavailable(e.getMessage(), 5);
    }
  }

  /** Copies with {@code status} and, when replaced, {@code supersededBy}. */
  private static List<JsonNode> withStatus(List<JsonNode> all) {
    Map<Long, Long> supersededBy = new HashMap<>();
    for (JsonNode d : all) {
      if (d.hasNonNull("supersedes")) {
        supersededBy.putIfAbsent(d.path("supersedes").asLong(), d.path("number").asLong());
      }
    }
    List<JsonNode> out = new ArrayList<>(all.size());
    for (JsonNode d : all) {
      ObjectNode copy = d.deepCopy();
      Long by = supersededBy.get(d.path("number").asLong());
      copy.put("status", by == null ? "ACTIVE" : "SUPERSEDED");
      if (by != null) {
        copy.put("supersededBy", by);
      }
      out.add(copy);
    }
    return out;
  }

  private static String status(String value) {
    if (value == null || value.equals("ACTIVE") || value.equals("SUPERSEDED")) {
      return value;
    }
    throw ApiError.invalid(
        "status '"
            + Names.printable(value)
            + "' is not a decision status; use ACTIVE or SUPERSEDED");
  }

  private static String optionalId(String name, String value) {
    return value == null ? null : Names.checkId(name, value);
  }

  private static long number(String name, String value, long fallback) {
    if (value == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1) {
      throw ApiError.invalid(
          name + " must be an integer >= 1, got '" + Names.printable(value) + "'");
    }
    return n;
  }
}
