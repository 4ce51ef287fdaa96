package dev.baton.app.check;

import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.LockState.Holder;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link Invariant#FENCING_MONOTONIC}: each new grant of a resource takes a token above every token
 * the resource had before, and the lock's {@code lastToken} never goes back or falls behind a
 * holder's token.
 */
final class FencingTokenRule implements HistoryRule {
  private final Map<String, Long> newestToken = new HashMap<>();

  @Override
  public void check(Step step, Violations out) {
    if (!step.isLockEvent()) {
      return;
    }
    String key = step.key();
    LockState after = step.after();
    long newest = newestToken.getOrDefault(key, 0L);
    for (Holder h : step.newHolders()) {
      if (h.token() <= newest) {
        out.add(
            Invariant.FENCING_MONOTONIC,
            step.at(),
            "grant to "
                + Describe.holder(h)
                + " reuses or lowers the token; the newest earlier"
                + " token is "
                + newest);
      }
    }
    long maxHeld = after.holders().stream().mapToLong(Holder::token).max().orElse(0);
    if (after.lastToken() < newest) {
      out.add(
          Invariant.FENCING_MONOTONIC,
          step.at(),
          "lastToken went back from " + newest + " to " + after.lastToken());
    }
    if (after.lastToken() < maxHeld) {
      out.add(
          Invariant.FENCING_MONOTONIC,
          step.at(),
          "lastToken " + after.lastToken() + " is below the held token " + maxHeld);
    }
    newestToken.put(key, Math.max(newest, Math.max(maxHeld, after.lastToken())));
  }

  @Override
  public void forget(String key) {
    newestToken.remove(key);
  }
}
