package dev.baton.app.http;

import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Names;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads and validates the parts of a request that name things: path ids, lock resources and the
 * agent header.
 */
final class Requests {
  /** The header naming the agent a command acts for; required on every command. */
  static final String AGENT_HEADER = "X-Baton-Agent";

  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private Requests() {}

  /** Path parameter {@code name}, checked as an id ({@link Names#checkId}). */
  static String pathId(Context ctx, String name) {
    return Names.checkId(name, ctx.pathParam(name));
  }

  /**
   * A lock resource ({@link Names#checkResource}); a task's lock {@code task/<id>} must also name a
   * valid task id. Missing or malformed is a 400.
   */
  static String resource(String field, String value) {
    Names.checkResource(field, value);
    if (value.startsWith(AggregateKeys.TASK_RESOURCE_PREFIX)) {
      Names.checkId(
          "task id in " + field, value.substring(AggregateKeys.TASK_RESOURCE_PREFIX.length()));
    }
    return value;
  }

  /**
   * The command options of {@value #IDEMPOTENCY_HEADER}: absent, a fresh command id per request;
   * present, it is the command id, so a request repeated with the same key (after a timeout or a
   * lost connection) is applied once and answered with the first outcome. Malformed is a 400.
   */
  static WriteOptions idempotency(Context ctx) {
    String key = ctx.header(IDEMPOTENCY_HEADER);
    if (key == null) {
      return WriteOptions.NONE;
    }
    Names.checkId("header " + IDEMPOTENCY_HEADER, key);
    // Scoped to the agent and the request: the same key from another agent, or on another route,
    // is another command.
    String scope = agent(ctx) + "\n" + ctx.method() + " " + ctx.path() + "\n" + key;
    return WriteOptions.NONE.withCommandId("idem-" + sha256Hex(scope).substring(0, 40));
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** The agent from {@value #AGENT_HEADER}; missing or malformed is a 400. */
  static String agent(Context ctx) {
    String agent = ctx.header(AGENT_HEADER);
    if (agent == null || agent.isEmpty()) {
      throw ApiError.invalid(
          "header " + AGENT_HEADER + " is required on commands: the id of the acting agent");
    }
    return Names.checkId("header " + AGENT_HEADER, agent);
  }
}
