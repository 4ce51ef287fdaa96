package dev.baton.app.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.LockState.Holder;
import dev.baton.sdk.protocol.LockState.Waiter;
import dev.baton.sdk.protocol.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a history of {@code baton.events} against the lock and version invariants of the design
 * (see {@link Invariant}): never two exclusive holders, never collaborative and exclusive holders
 * together, no holder listed after its lease ran out (beyond one punctuation interval), fencing
 * tokens strictly increasing per resource, FIFO grants across both modes, and versions rising by
 * exactly one per key and sequence.
 *
 * <p>Lock events carry the whole {@link LockState} after the change, so every rule reads state, not
 * intent: it compares each lock event with the previous one of the same key. Events are checked per
 * partition in offset order; keys are independent. A {@code state.restored} event resets what is
 * known about its key.
 *
 * <p>Usable on a list built in a test ({@link #check(Collection)}) or on a live topic ({@link
 * #checkTopic(String, Duration, Duration)}). Instances are immutable and reusable; each check
 * starts from nothing.
 */
public final class HistoryChecker {
  /** At most this many violations are kept in a {@link CheckResult}; all are counted. */
  public static final int MAX_REPORTED_VIOLATIONS = 1_000;

  private final Duration leaseTolerance;

  /**
   * @param leaseTolerance how long after its deadline a lease may still be listed: the topology's
   *     punctuation interval ({@code baton.punctuate.interval.ms})
   */
  public HistoryChecker(Duration leaseTolerance) {
    Objects.requireNonNull(leaseTolerance, "leaseTolerance");
    if (leaseTolerance.isNegative()) {
      throw new IllegalArgumentException("lease tolerance " + leaseTolerance + " must be >= 0");
    }
    this.leaseTolerance = leaseTolerance;
  }

  /**
   * Reads {@code baton.events} at {@code bootstrapServers} from the beginning of every partition to
   * the end offsets captured at the start ({@code read_committed}) and checks it.
   */
  public static CheckResult checkTopic(
      String bootstrapServers, Duration leaseTolerance, Duration timeout) {
    return checkTopic(bootstrapServers, Topics.EVENTS, leaseTolerance, timeout);
  }

  /** As {@link #checkTopic(String, Duration, Duration)}, for an events topic of another name. */
  public static CheckResult checkTopic(
      String bootstrapServers, String eventsTopic, Duration leaseTolerance, Duration timeout) {
    EventLogReader.EventLog log = EventLogReader.read(bootstrapServers, eventsTopic, timeout);
    return new HistoryChecker(leaseTolerance).check(log.events(), log.problems());
  }

  /** Checks {@code events}; they are put in partition, then offset order first. */
  public CheckResult check(Collection<PositionedEvent> events) {
    return check(events, List.of());
  }

  /** Checks {@code events}, reporting {@code problems} found while reading them first. */
  public CheckResult check(Collection<PositionedEvent> events, List<Violation> problems) {
    List<PositionedEvent> ordered = new ArrayList<>(events);
    ordered.sort(
        Comparator.comparingInt(PositionedEvent::partition)
            .thenComparingLong(PositionedEvent::offset));
    Run run = new Run();
    problems.forEach(run.violations::add);
    ordered.forEach(run::accept);
    return run.violations.result(ordered.size());
  }

  /** One pass over one history: the rules' state and the last lock state of every key. */
  private final class Run {
    final Violations violations = new Violations(MAX_REPORTED_VIOLATIONS);
    final Map<String, LockState> locks = new HashMap<>();
    final List<HistoryRule> rules =
        List.of(
            new KeyPlacementRule(),
            new VersionSequenceRule(),
            new SingleExclusiveRule(),
            new CompatibleHoldersRule(),
            new LeaseAliveRule(leaseTolerance),
            new FencingTokenRule(),
            new FifoRule());

    void accept(PositionedEvent at) {
      Event event = at.event();
      if (event.key() == null || event.type() == null) {
        violations.add(Invariant.READABLE, at, "event has no key or no type");
        return;
      }
      String key = event.key();
      if (event.type() == EventType.STATE_RESTORED) {
        locks.remove(key);
        rules.forEach(rule -> rule.forget(key));
        return;
      }
      LockState after = isLockEvent(event.type()) ? readLock(at) : null;
      Step step = new Step(at, after == null ? null : locks.get(key), after);
      for (HistoryRule rule : rules) {
        rule.check(step, violations);
      }
      if (after != null) {
        locks.put(key, after);
      }
    }

    /** The lock state a lock event carries, or null (and a violation) when it has none. */
    private LockState readLock(PositionedEvent at) {
      Event event = at.event();
      if (event.data() == null || !event.data().isObject()) {
        violations.add(Invariant.READABLE, at, event.type().wire() + " event has no lock state");
        return null;
      }
      LockState state;
      try {
        state = Json.mapper().treeToValue(event.data(), LockState.class);
      } catch (JsonProcessingException e) {
        violations.add(Invariant.READABLE, at, notALock(event, e.getOriginalMessage()));
        return null;
      } catch (IllegalArgumentException e) {
        violations.add(Invariant.READABLE, at, notALock(event, e.getMessage()));
        return null;
      }
      List<Holder> holders = state.holders() == null ? List.of() : state.holders();
      List<Waiter> queue = state.queue() == null ? List.of() : state.queue();
      boolean incomplete =
          holders.stream().anyMatch(h -> h.mode() == null || h.requestId() == null)
              || queue.stream().anyMatch(w -> w.mode() == null || w.requestId() == null);
      if (incomplete) {
        violations.add(
            Invariant.READABLE, at, "a holder or waiter in the lock state lacks a mode or request");
        return null;
      }
      if (state.key() != null && !state.key().equals(event.key())) {
        violations.add(
            Invariant.KEY_PLACEMENT,
            at,
            "lock state of key '" + state.key() + "' in an event of key '" + event.key() + "'");
      }
      return new LockState(
          state.resource(),
          state.workspace(),
          state.key(),
          holders,
          queue,
          state.lastToken(),
          state.version(),
          state.updatedAt(),
          state.recentlyExpired());
    }
  }

  private static String notALock(Event event, String why) {
    return "data of " + event.type().wire() + " is not a lock state: " + why;
  }

  private static boolean isLockEvent(EventType type) {
    return type.wire().startsWith("lock.");
  }
}
