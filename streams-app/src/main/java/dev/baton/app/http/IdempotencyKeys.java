package dev.baton.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.baton.sdk.protocol.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refuses an {@code Idempotency-Key} reused with another request body: 422 {@code
 * IDEMPOTENCY_KEY_REUSED}, instead of the first request's answer, which would tell the client that
 * a request it never made was applied. Runs once a route is matched, before its handler.
 *
 * <p>A key is scoped like its command id ({@link Requests#idempotency}): the agent (with auth, the
 * authenticated one), the method and path, and the key. The first body seen under a scope is
 * remembered, as a SHA-256 of its canonical JSON (so reformatting or reordering fields is the same
 * body), for {@code retention} ({@code baton.dedup.retention.ms}, as long as the topology
 * deduplicates the command) and at most {@code capacity} scopes, oldest forgotten first. The memory
 * is per node: a client that retries on another node with another body gets the topology's answer,
 * the first outcome, as before.
 */
final class IdempotencyKeys {
  static final String REUSED = "IDEMPOTENCY_KEY_REUSED";

  private static final ObjectMapper CANONICAL =
      Json.mapper().copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private record Seen(byte[] fingerprint, long expiresAtMs) {}

  private final Map<String, Seen> seen = new LinkedHashMap<>();
  private final int capacity;
  private final long retentionMs;
  private final Clock clock;

  IdempotencyKeys(int capacity, Duration retention, Clock clock) {
    this.capacity = capacity;
    this.retentionMs = retention.toMillis();
    this.clock = clock;
  }

  void check(Context ctx) {
    String key = ctx.header(Requests.IDEMPOTENCY_HEADER);
    if (key == null || "GET".equals(ctx.method().name()) || "HEAD".equals(ctx.method().name())) {
      return;
    }
    String agent = ctx.header(Requests.AGENT_HEADER);
    String scope =
        (agent == null ? "" : agent) + "\n" + ctx.method() + " " + ctx.path() + "\n" + key;
    byte[] fingerprint = fingerprint(ctx.bodyAsBytes());
    long now = clock.millis();
    synchronized (seen) {
      forgetOld(now);
      Seen first = seen.get(scope);
      if (first == null) {
        seen.put(scope, new Seen(fingerprint, now + retentionMs));
      } else if (!MessageDigest.isEqual(first.fingerprint(), fingerprint)) {
        throw ApiError.of(
            422,
            REUSED,
            "header "
                + Requests.IDEMPOTENCY_HEADER
                + " was first sent with another body on "
                + ctx.method()
                + " "
                + ctx.path()
                + ": use a new key for a new request");
      }
    }
  }

  private void forgetOld(long now) {
    Iterator<Seen> it = seen.values().iterator();
    while (it.hasNext()) {
      Seen s = it.next();
      if (s.expiresAtMs() > now && seen.size() <= capacity) {
        return;
      }
      it.remove();
    }
  }

  private static byte[] fingerprint(byte[] body) {
    byte[] canonical;
    try {
      JsonNode tree = body.length == 0 ? null : CANONICAL.readTree(body);
      canonical =
          tree == null
              ? body
              : CANONICAL
                  .writeValueAsString(CANONICAL.treeToValue(tree, Object.class))
                  .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      canonical = Arrays.copyOf(body, body.length);
    }
    try {
      return MessageDigest.getInstance("SHA-256").digest(canonical);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
