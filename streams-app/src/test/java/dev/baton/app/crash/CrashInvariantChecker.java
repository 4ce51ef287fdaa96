package dev.baton.app.crash;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.app.check.CheckResult;
import dev.baton.app.check.HistoryChecker;
import dev.baton.app.check.Invariant;
import dev.baton.app.check.PositionedEvent;
import dev.baton.app.crash.CommandRecord.Answer;
import dev.baton.app.crash.CommandRecord.Kind;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Judges a crash scenario from the outside: what the clients were told ({@link CommandRecord}s)
 * against what the log, the audit trail and the projection hold ({@link Evidence}).
 *
 * <ul>
 *   <li>{@link Rule#ACKNOWLEDGED_PRESENT}: every acknowledged effect is in the committed log, at
 *       the version or with the token the client was told;
 *   <li>{@link Rule#REJECTED_NO_EFFECT}: a command answered {@code REJECTED} changed nothing;
 *   <li>{@link Rule#APPLIED_ONCE}: no command id has two task events, two releases or two grants,
 *       and no log position is in the audit trail twice;
 *   <li>{@link Rule#DUPLICATE_FIRST_OUTCOME}: a retry answered after an outcome is {@code
 *       DUPLICATE} of that outcome (same status, code, version, token, HTTP status);
 *   <li>{@link Rule#VERSIONS}: no two acknowledged commands on one key got one version; in the log,
 *       versions rise by one per key ({@link HistoryChecker});
 *   <li>{@link Rule#LOCKS}: no two agents were granted one token of a resource; in the log, never
 *       two exclusive holders, tokens strictly rising, no holder listed past its lease ({@link
 *       HistoryChecker}), except a lease that ended while the topology could not run (an {@link
 *       Evidence.Outage}): its expiry is handled when the topology runs again, in deadline order,
 *       so events stamped then may still list it;
 *   <li>{@link Rule#FENCING}: a fenced write sent after a newer grant of its lock was acknowledged
 *       is never accepted, and every accepted fenced write landed while its grant held the lock;
 *   <li>{@link Rule#NO_ABORTED_DATA}: nothing from an aborted transaction reached a client or the
 *       audit trail;
 *   <li>{@link Rule#AUDIT_MATCHES_LOG}: every audit line is the committed event at its position,
 *       and the audit has every committed event below its last position;
 *   <li>{@link Rule#VIEWS_MATCH_REPLAY}: the projection, checkpoints, audit trail (and live state)
 *       equal a replay of the log up to their positions ({@code baton verify}).
 * </ul>
 */
public final class CrashInvariantChecker {

  /** The invariants. */
  public enum Rule {
    ACKNOWLEDGED_PRESENT,
    REJECTED_NO_EFFECT,
    APPLIED_ONCE,
    DUPLICATE_FIRST_OUTCOME,
    VERSIONS,
    LOCKS,
    FENCING,
    NO_ABORTED_DATA,
    AUDIT_MATCHES_LOG,
    VIEWS_MATCH_REPLAY
  }

  /** One broken invariant. */
  public record Violation(Rule rule, String message) {
    @Override
    public String toString() {
      return "[" + rule + "] " + message;
    }
  }

  /**
   * What the check found, with counts that show the scenario did something.
   *
   * @param violations every violation
   * @param commands commands sent
   * @param acknowledged commands with an acknowledged effect
   * @param unanswered commands given up without an outcome
   * @param duplicates answers {@code DUPLICATE}
   * @param fencedRejections fenced writes rejected {@code FENCED}
   * @param events committed events
   * @param aborted events seen only by {@code read_uncommitted} (aborted transactions)
   * @param auditLines audit lines
   * @param lateDuringOutages lock events stamped past a holder's lease because the lease ended
   *     while the topology could not run (see {@link Evidence.Outage}); not violations
   */
  public record Report(
      List<Violation> violations,
      int commands,
      int acknowledged,
      int unanswered,
      int duplicates,
      int fencedRejections,
      int events,
      int aborted,
      int auditLines,
      int lateDuringOutages) {

    public boolean ok() {
      return violations.isEmpty();
    }

    public List<Violation> of(Rule rule) {
      return violations.stream().filter(v -> v.rule() == rule).toList();
    }

    /** One line of counts. */
    public String summary() {
      return String.format(
          "%d commands (%d acknowledged, %d given up unanswered, %d DUPLICATE answers, %d FENCED),"
              + " %d events (%d aborted), %d audit lines, %d lock events late for an outage,"
              + " %d violations",
          commands,
          acknowledged,
          unanswered,
          duplicates,
          fencedRejections,
          events,
          aborted,
          auditLines,
          lateDuringOutages,
          violations.size());
    }

    @Override
    public String toString() {
      return summary()
          + violations.stream().limit(30).map(v -> "\n  " + v).collect(Collectors.joining());
    }
  }

  /**
   * How long after an outage ends (the node answers health 200 again) the topology may still be
   * handling the deadlines that came due during it.
   */
  static final Duration CATCH_UP = Duration.ofSeconds(5);

  private final Duration leaseTolerance;

  /**
   * @param leaseTolerance how long after its deadline a lease may still be listed (the topology's
   *     punctuation interval), for {@link HistoryChecker}
   */
  public CrashInvariantChecker(Duration leaseTolerance) {
    this.leaseTolerance = Objects.requireNonNull(leaseTolerance);
  }

  public Report check(Evidence evidence) {
    Run run = new Run(evidence);
    run.history();
    run.log();
    run.acknowledged();
    run.rejected();
    run.answers();
    run.fencing();
    run.audit();
    evidence.viewDifferences().forEach(d -> run.add(Rule.VIEWS_MATCH_REPLAY, d));
    int duplicates = 0;
    int fenced = 0;
    int acked = 0;
    int unanswered = 0;
    for (CommandRecord r : evidence.history()) {
      List<Answer> answers = r.answers();
      duplicates += (int) answers.stream().filter(a -> "DUPLICATE".equals(a.status())).count();
      if (r.kind() == Kind.FENCED_UPDATE
          && answers.stream().anyMatch(a -> "FENCED".equals(a.code()))) {
        fenced++;
      }
      if (r.acknowledged() != null) {
        acked++;
      }
      if (r.gaveUp() && r.firstOutcome() == null) {
        unanswered++;
      }
    }
    return new Report(
        List.copyOf(run.violations),
        evidence.history().size(),
        acked,
        unanswered,
        duplicates,
        fenced,
        evidence.committed().size(),
        run.aborted.size(),
        evidence.audit().size(),
        run.excusedLeases);
  }

  /** One check: indexes of the log, and the violations so far. */
  private final class Run {
    final Evidence e;
    final List<Violation> violations = new ArrayList<>();
    final List<PositionedEvent> committed;
    final Map<String, List<PositionedEvent>> byCommand = new HashMap<>();
    final Map<String, PositionedEvent> atPosition = new HashMap<>();
    final Map<String, PositionedEvent> aborted = new HashMap<>();
    final Set<String> abortedCommands = new HashSet<>();
    // Per command id: the grants (lock events in which a holder with that request id appears).
    final Map<String, List<Grant>> grants = new HashMap<>();
    // Per task event position: the lock state of the key just before it.
    final Map<String, LockState> lockBefore = new HashMap<>();
    int excusedLeases;

    record Grant(PositionedEvent at, LockState.Holder holder) {}

    Run(Evidence e) {
      this.e = e;
      committed = new ArrayList<>(e.committed());
      committed.sort(
          Comparator.comparingInt(PositionedEvent::partition)
              .thenComparingLong(PositionedEvent::offset));
      for (PositionedEvent p : committed) {
        atPosition.put(p.position(), p);
        if (p.event().commandId() != null) {
          byCommand.computeIfAbsent(p.event().commandId(), k -> new ArrayList<>()).add(p);
        }
      }
      for (PositionedEvent p : e.uncommitted()) {
        if (!atPosition.containsKey(p.position())) {
          aborted.put(p.position(), p);
          if (p.event().commandId() != null) {
            abortedCommands.add(p.event().commandId());
          }
        }
      }
    }

    void add(Rule rule, String message) {
      violations.add(new Violation(rule, message));
    }

    /** The log's own invariants, and the indexes of grants and lock states. */
    void log() {
      CheckResult history = new HistoryChecker(leaseTolerance).check(committed, e.readProblems());
      for (dev.baton.app.check.Violation v : history.violations()) {
        if (v.invariant() == Invariant.LEASE_ALIVE && lateOnlyForAnOutage(v)) {
          excusedLeases++;
          continue;
        }
        Rule rule =
            switch (v.invariant()) {
              case VERSION_SEQUENCE -> Rule.VERSIONS;
              default -> Rule.LOCKS;
            };
        add(rule, v.toString());
      }
      Map<String, LockState> lastLock = new HashMap<>();
      Map<String, Integer> releases = new HashMap<>();
      Map<String, Integer> taskEvents = new HashMap<>();
      for (PositionedEvent p : committed) {
        Event ev = p.event();
        if (ev.type() == null || ev.key() == null) {
          continue;
        }
        String wire = ev.type().wire();
        if (wire.startsWith("task.")) {
          lockBefore.put(p.position(), lastLock.get(ev.key()));
          if (ev.commandId() != null && taskEvents.merge(ev.commandId(), 1, Integer::sum) == 2) {
            add(
                Rule.APPLIED_ONCE,
                "command " + ev.commandId() + " has a second task event at " + p.position());
          }
        } else if (wire.startsWith("lock.")) {
          LockState after = lock(ev);
          if (after == null) {
            continue;
          }
          if (ev.type() == EventType.LOCK_RELEASED
              && ev.commandId() != null
              && releases.merge(ev.commandId(), 1, Integer::sum) == 2) {
            add(
                Rule.APPLIED_ONCE,
                "command " + ev.commandId() + " released a second time at " + p.position());
          }
          LockState before = lastLock.get(ev.key());
          Set<String> held = new HashSet<>();
          if (before != null && before.holders() != null) {
            before.holders().forEach(h -> held.add(h.requestId()));
          }
          for (LockState.Holder h :
              after.holders() == null ? List.<LockState.Holder>of() : after.holders()) {
            if (!held.contains(h.requestId())) {
              List<Grant> g = grants.computeIfAbsent(h.requestId(), k -> new ArrayList<>());
              g.add(new Grant(p, h));
              if (g.size() == 2) {
                add(
                    Rule.APPLIED_ONCE,
                    "request "
                        + h.requestId()
                        + " granted twice: token "
                        + g.get(0).holder().token()
                        + " at "
                        + g.get(0).at().position()
                        + " and token "
                        + h.token()
                        + " at "
                        + p.position());
              }
            }
          }
          lastLock.put(ev.key(), after);
        } else if (ev.type() == EventType.STATE_RESTORED) {
          lastLock.remove(ev.key());
        }
      }
    }

    /**
     * True when every holder the event lists past its lease had its lease end while the topology
     * could not run: the deadline came due during an outage and was handled, in deadline order, as
     * soon as the topology ran again (within {@link #CATCH_UP} of the outage's end), so the event
     * is stamped late. Lateness outside every outage stays a violation.
     */
    private boolean lateOnlyForAnOutage(dev.baton.app.check.Violation v) {
      PositionedEvent p = atPosition.get(v.partition() + "/" + v.offset());
      LockState lock = p == null ? null : lock(p.event());
      if (lock == null || lock.holders() == null || p.event().at() == null) {
        return false;
      }
      long at = p.event().at().toEpochMilli();
      return lock.holders().stream()
          .filter(h -> h.leaseDeadline() != null)
          .filter(h -> h.leaseDeadline().toEpochMilli() + leaseTolerance.toMillis() < at)
          .allMatch(
              h ->
                  e.outages().stream()
                      .anyMatch(
                          o ->
                              o.covers(h.leaseDeadline().toEpochMilli())
                                  && at >= o.fromMillis()
                                  && at <= o.toMillis() + CATCH_UP.toMillis()));
    }

    /** Client-side: versions and tokens handed out once. */
    void history() {
      Map<String, Map<Long, CommandRecord>> versions = new HashMap<>();
      Map<String, Map<Long, CommandRecord>> tokens = new HashMap<>();
      for (CommandRecord r : e.history()) {
        Answer ack = r.acknowledged();
        if (ack == null) {
          continue;
        }
        if (r.kind().isTaskWrite() && ack.version() > 0) {
          CommandRecord other =
              versions.computeIfAbsent(r.key(), k -> new HashMap<>()).putIfAbsent(ack.version(), r);
          if (other != null && !sameCommand(other, r)) {
            add(
                Rule.VERSIONS,
                r.key()
                    + " version "
                    + ack.version()
                    + " acknowledged to two commands: "
                    + other
                    + " and "
                    + r);
          }
        }
        if (r.kind() == Kind.ACQUIRE && ack.token() > 0) {
          CommandRecord other =
              tokens
                  .computeIfAbsent(r.resource(), k -> new HashMap<>())
                  .putIfAbsent(ack.token(), r);
          // Re-acquiring a held lock keeps its token: the same agent may see one token twice.
          if (other != null && !other.client().equals(r.client())) {
            add(
                Rule.LOCKS,
                r.resource()
                    + " token "
                    + ack.token()
                    + " granted to two agents: "
                    + other
                    + " and "
                    + r);
          }
        }
      }
    }

    /** Every acknowledged effect is in the committed log. */
    void acknowledged() {
      for (CommandRecord r : e.history()) {
        Answer ack = r.acknowledged();
        if (ack == null) {
          continue;
        }
        String id = ack.commandId();
        if (id == null) {
          add(Rule.ACKNOWLEDGED_PRESENT, "acknowledged without a command id: " + r);
          continue;
        }
        boolean present =
            switch (r.kind()) {
              case CREATE, UPDATE, FENCED_UPDATE ->
                  events(id).stream()
                      .anyMatch(
                          p ->
                              p.event().type().wire().startsWith("task.")
                                  && r.key().equals(p.event().key())
                                  && Objects.equals(p.event().version(), ack.version()));
              case RELEASE ->
                  events(id).stream()
                      .anyMatch(
                          p ->
                              p.event().type() == EventType.LOCK_RELEASED
                                  && r.key().equals(p.event().key()));
              case ACQUIRE -> granted(r, id, ack.token());
            };
        if (!present) {
          add(
              abortedCommands.contains(id) ? Rule.NO_ABORTED_DATA : Rule.ACKNOWLEDGED_PRESENT,
              (abortedCommands.contains(id)
                      ? "acknowledged from an aborted transaction only: "
                      : "acknowledged effect not in the log: ")
                  + r);
        }
      }
    }

    private boolean granted(CommandRecord r, String id, long token) {
      if (grants.getOrDefault(id, List.of()).stream().anyMatch(g -> g.holder().token() == token)) {
        return true;
      }
      // A re-acquire of a held lock is answered with the first grant's token.
      return grants.values().stream()
          .flatMap(List::stream)
          .anyMatch(
              g ->
                  r.key().equals(g.at().event().key())
                      && r.client().equals(g.holder().agent())
                      && g.holder().token() == token);
    }

    /** A command answered REJECTED changed nothing. */
    void rejected() {
      for (CommandRecord r : e.history()) {
        Answer rej = r.rejected();
        if (rej == null || rej.commandId() == null || r.acknowledged() != null) {
          continue;
        }
        String id = rej.commandId();
        boolean effect =
            switch (r.kind()) {
              case CREATE, UPDATE, FENCED_UPDATE ->
                  events(id).stream().anyMatch(p -> p.event().type().wire().startsWith("task."));
              case RELEASE ->
                  events(id).stream().anyMatch(p -> p.event().type() == EventType.LOCK_RELEASED);
              case ACQUIRE -> grants.containsKey(id);
            };
        if (effect) {
          add(Rule.REJECTED_NO_EFFECT, "answered " + rej.code() + " but applied: " + r);
        }
      }
    }

    /** Answers after the first outcome are DUPLICATE of it. */
    void answers() {
      for (CommandRecord r : e.history()) {
        Answer first = null;
        for (Answer a : r.answers()) {
          if (!a.isOutcome()) {
            continue;
          }
          if (first == null) {
            first = a;
            continue;
          }
          boolean same =
              Objects.equals(a.effectiveStatus(), first.effectiveStatus())
                  && Objects.equals(a.code(), first.code())
                  && a.version() == first.version()
                  && a.token() == first.token()
                  && a.http() == first.http()
                  && Objects.equals(a.commandId(), first.commandId());
          // A rejection is answered with an error body, which has no status: its repeat carries
          // the same code, command id and version, but cannot say DUPLICATE.
          boolean rejection = "REJECTED".equals(first.status()) && "REJECTED".equals(a.status());
          if (!rejection
              && !"DUPLICATE".equals(a.status())
              && !"DUPLICATE".equals(first.status())) {
            add(
                Rule.DUPLICATE_FIRST_OUTCOME,
                "a retry after an outcome was answered " + a.status() + ", not DUPLICATE: " + r);
          } else if (!same) {
            add(Rule.DUPLICATE_FIRST_OUTCOME, "a retry's answer differs from the first: " + r);
          }
        }
      }
    }

    /** Stale fences never win. */
    void fencing() {
      // Per resource: the grants acknowledged to clients, by token and answer time.
      Map<String, List<long[]>> granted = new HashMap<>();
      for (CommandRecord r : e.history()) {
        Answer ack = r.acknowledged();
        if (r.kind() == Kind.ACQUIRE && ack != null && ack.token() > 0) {
          granted
              .computeIfAbsent(r.workspace() + "/" + r.resource(), k -> new ArrayList<>())
              .add(new long[] {ack.token(), ack.answeredAtMillis()});
        }
      }
      for (CommandRecord r : e.history()) {
        if (r.kind() != Kind.FENCED_UPDATE) {
          continue;
        }
        Answer ack = r.acknowledged();
        if (ack == null) {
          continue;
        }
        long sent = r.sentAtMillis();
        for (long[] g : granted.getOrDefault(r.workspace() + "/" + r.resource(), List.of())) {
          if (g[0] > r.fenceToken() && g[1] < sent) {
            add(
                Rule.FENCING,
                "write with token "
                    + r.fenceToken()
                    + " sent after token "
                    + g[0]
                    + " was granted, and accepted: "
                    + r);
          }
        }
        for (PositionedEvent p : events(ack.commandId())) {
          if (!p.event().type().wire().startsWith("task.")) {
            continue;
          }
          LockState lock = lockBefore.get(p.position());
          boolean held =
              lock != null
                  && lock.holders() != null
                  && lock.holders().stream()
                      .anyMatch(h -> h.token() == r.fenceToken() && r.client().equals(h.agent()));
          if (!held) {
            add(
                Rule.FENCING,
                "fenced write accepted at "
                    + p.position()
                    + " while token "
                    + r.fenceToken()
                    + " of "
                    + r.client()
                    + " did not hold the lock: "
                    + r);
          }
        }
      }
    }

    /** The audit trail is the committed log, once, without gaps. */
    void audit() {
      Map<String, Integer> seen = new HashMap<>();
      Map<Integer, Long> last = new HashMap<>();
      for (Evidence.AuditEntry a : e.audit()) {
        String pos = a.partition() + "/" + a.offset();
        if (seen.merge(pos, 1, Integer::sum) == 2) {
          add(Rule.APPLIED_ONCE, "audit holds position " + pos + " twice");
        }
        last.merge(a.partition(), a.offset(), Math::max);
        PositionedEvent c = atPosition.get(pos);
        if (c == null) {
          add(
              aborted.containsKey(pos) ? Rule.NO_ABORTED_DATA : Rule.AUDIT_MATCHES_LOG,
              "audit line at "
                  + pos
                  + (aborted.containsKey(pos)
                      ? " is an aborted transaction's event " + a.eventId()
                      : " is no committed event"));
        } else if (!Objects.equals(c.event().id(), a.eventId())) {
          add(
              Rule.AUDIT_MATCHES_LOG,
              "audit line at "
                  + pos
                  + " is event "
                  + a.eventId()
                  + ", the log has "
                  + c.event().id());
        }
      }
      for (PositionedEvent p : committed) {
        Long upTo = last.get(p.partition());
        if (upTo != null && p.offset() <= upTo && !seen.containsKey(p.position())) {
          add(
              Rule.AUDIT_MATCHES_LOG,
              "committed event at " + p.position() + " missing from the audit");
        }
      }
    }

    private List<PositionedEvent> events(String commandId) {
      return commandId == null ? List.of() : byCommand.getOrDefault(commandId, List.of());
    }

    private LockState lock(Event ev) {
      if (ev.data() == null || !ev.data().isObject()) {
        return null;
      }
      try {
        return Json.mapper().treeToValue(ev.data(), LockState.class);
      } catch (JsonProcessingException | IllegalArgumentException ex) {
        return null;
      }
    }
  }

  private static boolean sameCommand(CommandRecord a, CommandRecord b) {
    return a == b || Objects.equals(a.commandId(), b.commandId());
  }
}
