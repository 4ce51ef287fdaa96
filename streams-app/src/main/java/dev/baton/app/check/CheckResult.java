package dev.baton.app.check;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link HistoryChecker} found.
 *
 * @param eventsChecked how many events were read
 * @param violationCount how many violations were found in all
 * @param violations the first of them, in log order per partition (at most {@link
 *     HistoryChecker#MAX_REPORTED_VIOLATIONS}, so a badly broken log cannot exhaust the heap)
 */
public record CheckResult(long eventsChecked, long violationCount, List<Violation> violations) {

  public CheckResult {
    violations = List.copyOf(violations);
  }

  /** True when no invariant is broken. */
  public boolean ok() {
    return violationCount == 0;
  }

  /** The first violation with its partition and offset, or a line saying there is none. */
  public String firstViolation() {
    return violations.isEmpty()
        ? "no violations in " + eventsChecked + " events"
        : violations.get(0).toString();
  }

  /** Violations of one invariant (among the reported ones). */
  public List<Violation> of(Invariant invariant) {
    return violations.stream().filter(v -> v.invariant() == invariant).toList();
  }

  @Override
  public String toString() {
    if (ok()) {
      return firstViolation();
    }
    return violationCount
        + " violation(s) in "
        + eventsChecked
        + " events:\n  "
        + violations.stream().limit(20).map(Violation::toString).collect(Collectors.joining("\n  "))
        + (violationCount > 20 ? "\n  ..." : "");
  }
}
