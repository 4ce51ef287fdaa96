package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;

/**
 * The answer to a lock command: the outcome's fields at the top level ({@code commandId}, {@code
 * status}, {@code code}, {@code message}, {@code version}, {@code token}, {@code position}, {@code
 * holders}, {@code leaseDeadline}, {@code state} = the lock, ...) plus the {@code resource} and,
 * when known, the {@code mode} of the grant or request. A grant reads as {@code {"resource":
 * "src/App.java", "mode": "EXCLUSIVE", "token": 7, "leaseDeadline": "...", ...}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LockAnswer(String resource, LockMode mode, @JsonUnwrapped Outcome outcome) {

  /**
   * The answer to a command on a lock the caller holds: the mode is that of the grant whose token
   * the outcome carries, read from the lock state it also carries.
   */
  static LockAnswer ofHolder(String resource, Outcome outcome) {
    return new LockAnswer(resource, heldMode(outcome), outcome);
  }

  private static LockMode heldMode(Outcome outcome) {
    if (outcome.token() == null || outcome.state() == null) {
      return null;
    }
    for (JsonNode holder : outcome.state().path("holders")) {
      if (holder.path("token").asLong(-1) == outcome.token()) {
        try {
          return LockMode.valueOf(holder.path("mode").asText());
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }
}
