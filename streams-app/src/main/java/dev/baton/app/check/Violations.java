package dev.baton.app.check;

import java.util.ArrayList;
import java.util.List;

/** Collects violations, keeping the first {@code limit} and counting all. */
final class Violations {
  private final int limit;
  private final List<Violation> kept = new ArrayList<>();
  private long count;

  Violations(int limit) {
    this.limit = limit;
  }

  void add(Invariant invariant, PositionedEvent at, String message) {
    add(Violation.at(invariant, at, message));
  }

  void add(Violation violation) {
    count++;
    if (kept.size() < limit) {
      kept.add(violation);
    }
  }

  CheckResult result(long eventsChecked) {
    return new CheckResult(eventsChecked, count, kept);
  }
}
