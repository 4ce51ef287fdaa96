package dev.baton.sdk;

/**
 * Told when the client's health changes (see {@link BatonClient#isHealthy()}). Runs on the client's
 * callback executor; an exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface HealthListener {
  /**
   * @param healthy the new state
   * @param reason what changed it, e.g. {@code no outcome for command ... within 30000 ms} or
   *     {@code outcome received}
   */
  void onHealthChanged(boolean healthy, String reason);
}
