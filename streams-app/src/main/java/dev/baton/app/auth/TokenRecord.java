package dev.baton.app.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.sdk.protocol.Json;
import java.time.Instant;
import java.util.List;

/**
 * One token as stored in the tokens topic (key: {@link #id}): who it names and the salted hash of
 * its secret, never the secret. A revoked token is a tombstone (null value) under its id, so
 * compaction forgets it.
 *
 * <p>Format version 1, JSON: {@code {"v":1, "id", "agent", "workspaces":[...], "role":"agent"|
 * "admin", "createdMs", "expiresMs" (null: never), "createdBy", "salt", "hash"}}; salt and hash are
 * base64 (SHA-256 of salt followed by the secret's UTF-8 bytes, see {@link TokenSecrets}). Readers
 * ignore unknown fields so later versions may add some.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TokenRecord(
    int v,
    String id,
    String agent,
    List<String> workspaces,
    String role,
    long createdMs,
    Long expiresMs,
    String createdBy,
    String salt,
    String hash) {
  public static final int FORMAT_VERSION = 1;

  public TokenRecord {
    workspaces = List.copyOf(workspaces);
  }

  @JsonIgnore
  public Role parsedRole() {
    return Role.parse(role);
  }

  /** Whether the token has expired at {@code now}. */
  public boolean expiredAt(Instant now) {
    return expiresMs != null && now.toEpochMilli() >= expiresMs;
  }

  /** The principal this token proves. */
  public Principal principal() {
    return new Principal(agent, java.util.Set.copyOf(workspaces), parsedRole(), id);
  }

  public byte[] toBytes() {
    try {
      return Json.mapper().writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write token record " + id, e);
    }
  }

  /**
   * The record in {@code bytes}; a record this node cannot read (another format, damaged) is
   * refused with a message naming the key, never with the bytes (they hold a hash).
   */
  public static TokenRecord fromBytes(String key, byte[] bytes) {
    try {
      TokenRecord record = Json.mapper().readValue(bytes, TokenRecord.class);
      if (record.v() != FORMAT_VERSION || record.id() == null || !record.id().equals(key)) {
        throw new IllegalArgumentException(
            "token record " + key + " has format " + record.v() + " or another id");
      }
      return record;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "token record " + key + " is not readable JSON (" + bytes.length + " bytes)", e);
    }
  }

  @Override
  public String toString() {
    // Never print the hash or salt: a record may end up in a log line.
    return "TokenRecord[id="
        + id
        + ", agent="
        + agent
        + ", workspaces="
        + workspaces
        + ", role="
        + role
        + ", expiresMs="
        + expiresMs
        + "]";
  }
}
