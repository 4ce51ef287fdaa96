package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A lock as the topology keeps it and as lock outcomes and events carry it. Never deleted: its
 * {@code lastToken} must keep rising across every grant of the resource, even after idle periods
 * and restarts.
 *
 * @param resource the locked thing ({@code task/<id>}, a file path, a branch)
 * @param key the aggregate key it lives under
 * @param holders current grants; all {@code COLLABORATIVE}, or a single {@code EXCLUSIVE}
 * @param queue FIFO wait queue across both modes
 * @param lastToken the newest fencing token granted
 * @param version bumped on every change
 * @param recentlyExpired the last few grants that ran out, so a late renew gets {@code EXPIRED}
 *     rather than {@code NOT_HOLDER}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LockState(
    String resource,
    String workspace,
    String key,
    List<Holder> holders,
    List<Waiter> queue,
    long lastToken,
    long version,
    Instant updatedAt,
    List<Holder> recentlyExpired) {

  /** One grant. */
  public record Holder(
      String agent,
      String requestId,
      LockMode mode,
      long token,
      long leaseMs,
      Instant grantedAt,
      Instant leaseDeadline) {}

  /** One waiting request. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Waiter(
      String agent,
      String requestId,
      LockMode mode,
      long leaseMs,
      Instant enqueuedAt,
      Instant waitDeadline,
      ReplyTo replyTo) {}

  /**
   * A lock nobody holds or waits for, never granted.
   *
   * @param workspace the workspace
   * @param resource the resource
   * @param key its aggregate key
   * @return the free lock
   */
  public static LockState empty(String workspace, String resource, String key) {
    return new LockState(resource, workspace, key, List.of(), List.of(), 0, 0, null, List.of());
  }

  /**
   * The holders' mode.
   *
   * @return the mode, or null when free
   */
  public LockMode mode() {
    return holders.isEmpty() ? null : holders.get(0).mode();
  }
}
