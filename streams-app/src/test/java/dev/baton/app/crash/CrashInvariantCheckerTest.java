package dev.baton.app.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.check.PositionedEvent;
import dev.baton.app.crash.CommandRecord.Answer;
import dev.baton.app.crash.CommandRecord.Kind;
import dev.baton.app.crash.CrashInvariantChecker.Report;
import dev.baton.app.crash.CrashInvariantChecker.Rule;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.LockState.Holder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The crash checker is tested by breaking what it checks: a consistent history passes, and each way
 * of breaking it (a lost acknowledged write, a command applied twice, a retry answered with another
 * outcome, a version handed out twice, two holders, a stale fence accepted, an aborted
 * transaction's event in the audit, an audit gap, a difference in a view) is reported under its
 * rule.
 */
class CrashInvariantCheckerTest {
  private static final String WS = "ws";
  private static final String KEY = WS + "/task/t1";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final CrashInvariantChecker checker = new CrashInvariantChecker(Duration.ofMillis(200));
  private final List<CommandRecord> history = new ArrayList<>();
  private final List<PositionedEvent> log = new ArrayList<>();
  private final List<PositionedEvent> aborted = new ArrayList<>();
  private final List<Evidence.AuditEntry> audit = new ArrayList<>();
  private final List<String> views = new ArrayList<>();
  private final List<Evidence.Outage> outages = new ArrayList<>();
  private long clock = 1_000;
  private long lockVersion;

  /**
   * The consistent history: c1 creates t1, takes its lock (token 1), writes with the fence and
   * releases; c2's write while it is locked is rejected, its next write is accepted and its probe
   * answered DUPLICATE.
   */
  @BeforeEach
  void consistentHistory() {
    command("c1", Kind.CREATE, 0, "a1", ok("ACCEPTED", 201, "a1", 1, 0));
    taskEvent(EventType.TASK_CREATED, "a1", 1);
    command("c1", Kind.ACQUIRE, 0, "a2", ok("GRANTED", 200, "a2", 1, 1));
    lockEvent(EventType.LOCK_GRANTED, "a2", holder("c1", "a2", 1));
    command("c2", Kind.UPDATE, 0, "a5", answer("REJECTED", 409, "LOCKED", "a5", 1, 0, false));
    command("c1", Kind.FENCED_UPDATE, 1, "a3", ok("ACCEPTED", 200, "a3", 2, 0));
    taskEvent(EventType.TASK_UPDATED, "a3", 2);
    command("c1", Kind.RELEASE, 0, "a4", ok("ACCEPTED", 200, "a4", 2, 1));
    lockEvent(EventType.LOCK_RELEASED, "a4");
    command(
        "c2",
        Kind.UPDATE,
        0,
        "a6",
        ok("ACCEPTED", 200, "a6", 3, 0),
        duplicate("ACCEPTED", 200, "a6", 3, 0));
    taskEvent(EventType.TASK_UPDATED, "a6", 3);
    log.forEach(p -> audit.add(new Evidence.AuditEntry(p.partition(), p.offset(), p.event().id())));
  }

  @Test
  void shouldPassAConsistentHistory() {
    Report report = check();
    assertThat(report.violations()).isEmpty();
    assertThat(report.acknowledged()).isEqualTo(5);
    assertThat(report.duplicates()).isEqualTo(1);
    assertThat(report.events()).isEqualTo(5);
  }

  @Test
  void shouldReportAnAcknowledgedWriteMissingFromTheLog() {
    log.remove(log.size() - 1);
    audit.remove(audit.size() - 1);
    assertThat(check().of(Rule.ACKNOWLEDGED_PRESENT)).singleElement().asString().contains("a6");
  }

  @Test
  void shouldReportAnAcknowledgedWriteAtAnotherVersionThanTheLogs() {
    replaceLastCommand(ok("ACCEPTED", 200, "a6", 4, 0));
    assertThat(check().of(Rule.ACKNOWLEDGED_PRESENT)).hasSize(1);
  }

  @Test
  void shouldReportAnAcknowledgedGrantMissingFromTheLog() {
    command("c3", Kind.ACQUIRE, 0, "g9", ok("GRANTED", 200, "g9", 3, 2));
    assertThat(check().of(Rule.ACKNOWLEDGED_PRESENT)).singleElement().asString().contains("g9");
  }

  @Test
  void shouldReportACommandAppliedTwice() {
    taskEvent(EventType.TASK_UPDATED, "a6", 4);
    assertThat(check().of(Rule.APPLIED_ONCE)).singleElement().asString().contains("a6");
  }

  @Test
  void shouldReportARequestGrantedTwice() {
    lockEvent(EventType.LOCK_GRANTED, "a2", holder("c1", "a2", 2));
    assertThat(check().of(Rule.APPLIED_ONCE)).singleElement().asString().contains("granted twice");
  }

  @Test
  void shouldReportARetryAnsweredAsANewCommand() {
    replaceLastCommand(ok("ACCEPTED", 200, "a6", 3, 0), ok("ACCEPTED", 200, "a6", 3, 0));
    assertThat(check().of(Rule.DUPLICATE_FIRST_OUTCOME)).hasSize(1);
  }

  @Test
  void shouldReportADuplicateThatDiffersFromTheFirstOutcome() {
    replaceLastCommand(ok("ACCEPTED", 200, "a6", 3, 0), duplicate("ACCEPTED", 200, "a6", 4, 0));
    assertThat(check().of(Rule.DUPLICATE_FIRST_OUTCOME)).hasSize(1);
  }

  @Test
  void shouldAcceptARepeatedRejectionWithTheSameCodeAndReportOneWithAnother() {
    command(
        "c3",
        Kind.UPDATE,
        0,
        "r1",
        answer("REJECTED", 409, "LOCKED", "r1", 1, 0, false),
        answer("REJECTED", 409, "LOCKED", "r1", 1, 0, true));
    assertThat(check().violations()).isEmpty();
    command(
        "c3",
        Kind.UPDATE,
        0,
        "r2",
        answer("REJECTED", 409, "LOCKED", "r2", 1, 0, false),
        answer("REJECTED", 409, "VERSION_CONFLICT", "r2", 1, 0, true));
    assertThat(check().of(Rule.DUPLICATE_FIRST_OUTCOME)).singleElement().asString().contains("r2");
  }

  @Test
  void shouldReportOneVersionAcknowledgedToTwoCommands() {
    command("c3", Kind.UPDATE, 0, "a7", ok("ACCEPTED", 200, "a7", 3, 0));
    Report report = check();
    assertThat(report.of(Rule.VERSIONS)).singleElement().asString().contains("version 3");
  }

  @Test
  void shouldReportAVersionGapInTheLog() {
    taskEvent(EventType.TASK_UPDATED, "a8", 5);
    assertThat(check().of(Rule.VERSIONS)).isNotEmpty();
  }

  @Test
  void shouldReportTwoExclusiveHoldersInTheLog() {
    lockEvent(EventType.LOCK_GRANTED, "b1", holder("c1", "b1", 2), holder("c2", "b2", 3));
    assertThat(check().of(Rule.LOCKS)).isNotEmpty();
  }

  @Test
  void shouldReportOneTokenGrantedToTwoAgents() {
    lockEvent(EventType.LOCK_GRANTED, "b1", holder("c2", "b1", 2));
    lockEvent(EventType.LOCK_RELEASED, "b3");
    command("c2", Kind.ACQUIRE, 0, "b1", ok("GRANTED", 200, "b1", 3, 1));
    assertThat(check().of(Rule.LOCKS)).singleElement().asString().contains("two agents");
  }

  @Test
  void shouldReportAStaleFenceAcceptedAfterANewerGrant() {
    // c2 is granted token 2; later, c1 writes with its old token 1 and is told ACCEPTED.
    lockEvent(EventType.LOCK_GRANTED, "b1", holder("c2", "b1", 2));
    command("c2", Kind.ACQUIRE, 0, "b1", ok("GRANTED", 200, "b1", 3, 2));
    command("c1", Kind.FENCED_UPDATE, 1, "b2", ok("ACCEPTED", 200, "b2", 4, 0));
    taskEvent(EventType.TASK_UPDATED, "b2", 4);
    List<CrashInvariantChecker.Violation> fencing = check().of(Rule.FENCING);
    assertThat(fencing).hasSize(2);
    assertThat(fencing.get(0).message()).contains("sent after token 2 was granted");
    assertThat(fencing.get(1).message()).contains("did not hold the lock");
  }

  @Test
  void shouldAcceptAStaleFenceThatWasRejected() {
    lockEvent(EventType.LOCK_GRANTED, "b1", holder("c2", "b1", 2));
    command("c2", Kind.ACQUIRE, 0, "b1", ok("GRANTED", 200, "b1", 3, 2));
    command(
        "c1", Kind.FENCED_UPDATE, 1, "b2", answer("REJECTED", 409, "FENCED", "b2", 3, 0, false));
    Report report = check();
    assertThat(report.violations()).isEmpty();
    assertThat(report.fencedRejections()).isEqualTo(1);
  }

  @Test
  void shouldReportAHolderListedPastItsLeaseUnlessTheLeaseEndedDuringAnOutage() {
    // c3's lease ends at T0+1s; an event stamped T0+10s still lists it.
    Holder expired = new Holder("c3", "b1", LockMode.EXCLUSIVE, 2, 1_000, T0, T0.plusSeconds(1));
    lockEvent(EventType.LOCK_GRANTED, "b1", expired);
    lockEvent(EventType.LOCK_WAIT_EXPIRED, "b9", expired);
    shiftLast(T0.plusSeconds(10));
    assertThat(check().of(Rule.LOCKS)).singleElement().asString().contains("lease-alive");

    long t0 = T0.toEpochMilli();
    outages.add(new Evidence.Outage("node frozen", t0 + 500, t0 + 12_000));
    Report excused = check();
    assertThat(excused.violations()).isEmpty();
    assertThat(excused.lateDuringOutages()).isEqualTo(1);

    outages.set(0, new Evidence.Outage("an earlier outage", t0 - 5_000, t0 + 500));
    assertThat(check().of(Rule.LOCKS)).hasSize(1);
  }

  @Test
  void shouldReportARejectedCommandThatChangedSomething() {
    taskEvent(EventType.TASK_UPDATED, "a5", 4);
    assertThat(check().of(Rule.REJECTED_NO_EFFECT)).singleElement().asString().contains("LOCKED");
  }

  @Test
  void shouldReportAnAbortedEventInTheAudit() {
    PositionedEvent ghost = event(EventType.TASK_UPDATED, "z1", 4, null, 0, log.size());
    aborted.add(ghost);
    audit.add(new Evidence.AuditEntry(0, ghost.offset(), ghost.event().id()));
    Report report = check();
    assertThat(report.of(Rule.NO_ABORTED_DATA)).singleElement().asString().contains("aborted");
    assertThat(report.aborted()).isEqualTo(1);
  }

  @Test
  void shouldReportAnAcknowledgementFromAnAbortedTransaction() {
    command("c3", Kind.UPDATE, 0, "z2", ok("ACCEPTED", 200, "z2", 4, 0));
    aborted.add(event(EventType.TASK_UPDATED, "z2", 4, null, 0, log.size()));
    assertThat(check().of(Rule.NO_ABORTED_DATA)).singleElement().asString().contains("z2");
  }

  @Test
  void shouldReportAnAuditLineTwiceAGapAndAForeignLine() {
    audit.add(audit.get(0));
    audit.remove(2);
    audit.set(1, new Evidence.AuditEntry(0, 1, "someone-else"));
    Report report = check();
    assertThat(report.of(Rule.APPLIED_ONCE)).singleElement().asString().contains("twice");
    assertThat(report.of(Rule.AUDIT_MATCHES_LOG))
        .extracting(CrashInvariantChecker.Violation::message)
        .anyMatch(m -> m.contains("missing from the audit"))
        .anyMatch(m -> m.contains("someone-else"));
  }

  @Test
  void shouldReportEveryViewDifference() {
    views.add("projection: task ws/t1 version 2, the log has 3");
    assertThat(check().of(Rule.VIEWS_MATCH_REPLAY))
        .singleElement()
        .asString()
        .contains("projection");
  }

  private Report check() {
    List<PositionedEvent> uncommitted = new ArrayList<>(log);
    uncommitted.addAll(aborted);
    return checker.check(new Evidence(history, log, List.of(), uncommitted, audit, views, outages));
  }

  /** Replaces c2's last update (command a6) by one with these answers. */
  private void replaceLastCommand(Answer... answers) {
    history.set(history.size() - 1, record("c2", Kind.UPDATE, 0, "a6", answers));
  }

  private void command(String client, Kind kind, long fence, String id, Answer... answers) {
    history.add(record(client, kind, fence, id, answers));
  }

  private static CommandRecord record(
      String client, Kind kind, long fence, String id, Answer... answers) {
    CommandRecord r = new CommandRecord(client, kind, WS, "t1", "key-" + id, fence);
    for (Answer a : answers) {
      r.add(a);
    }
    return r;
  }

  private Answer ok(String status, int http, String id, long version, long token) {
    return answer(status, http, "OK", id, version, token, false);
  }

  private Answer duplicate(String original, int http, String id, long version, long token) {
    clock += 10;
    return new Answer(
        clock, clock + 5, http, "DUPLICATE", original, "OK", id, version, token, true);
  }

  private Answer answer(
      String status, int http, String code, String id, long version, long token, boolean probe) {
    clock += 10;
    return new Answer(clock, clock + 5, http, status, null, code, id, version, token, probe);
  }

  /** Restamps the last event at {@code at}. */
  private void shiftLast(Instant at) {
    PositionedEvent p = log.remove(log.size() - 1);
    Event e = p.event();
    log.add(
        new PositionedEvent(
            p.partition(),
            p.offset(),
            new Event(
                e.id(), e.type(), e.key(), e.version(), e.agent(), e.commandId(), at, e.data())));
  }

  private static Holder holder(String agent, String requestId, long token) {
    return new Holder(
        agent, requestId, LockMode.EXCLUSIVE, token, 60_000, T0, T0.plusSeconds(3_600));
  }

  private void taskEvent(EventType type, String commandId, long version) {
    log.add(event(type, commandId, version, null, 0, log.size()));
  }

  private void lockEvent(EventType type, String commandId, Holder... holders) {
    long lastToken = 0;
    for (PositionedEvent p : log) {
      if (p.event().type().wire().startsWith("lock.")) {
        lastToken = Math.max(lastToken, p.event().data().path("lastToken").asLong());
      }
    }
    for (Holder h : holders) {
      lastToken = Math.max(lastToken, h.token());
    }
    lockVersion++;
    LockState state =
        new LockState(
            "task/t1", WS, KEY, List.of(holders), List.of(), lastToken, lockVersion, T0, List.of());
    log.add(event(type, commandId, lockVersion, state, 0, log.size()));
  }

  private static PositionedEvent event(
      EventType type, String commandId, long version, LockState lock, int partition, long offset) {
    Event e =
        new Event(
            "e-" + partition + "-" + offset + "-" + commandId,
            type,
            KEY,
            version,
            "c1",
            commandId,
            T0,
            lock == null
                ? Json.mapper().createObjectNode().put("id", "t1")
                : Json.mapper().valueToTree(lock));
    return new PositionedEvent(partition, offset, e);
  }
}
