package dev.baton.app.bench;

/**
 * One {@code baton bench} scenario: measures Baton and, in the same run, its baselines. Scenarios
 * report what they measured; they never assert speed.
 */
public interface Scenario {
  /** The name on the command line and in the JSON ({@code produce}, {@code e2e}, ...). */
  String name();

  /** Runs the scenario; a baseline that cannot run is left out of the result with a note. */
  BenchResult run(BenchEnvironment env) throws Exception;
}
