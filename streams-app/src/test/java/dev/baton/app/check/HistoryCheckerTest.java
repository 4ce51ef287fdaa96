package dev.baton.app.check;

import static dev.baton.app.check.SyntheticLock.LEASE_MS;
import static dev.baton.app.check.SyntheticLock.T0;
import static dev.baton.sdk.protocol.LockMode.COLLABORATIVE;
import static dev.baton.sdk.protocol.LockMode.EXCLUSIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The history checker on synthetic event lists: a clean history, then one of every violation. */
class HistoryCheckerTest {
  private static final Duration TOLERANCE = Duration.ofMillis(200);
  private static final String FILE = "default/lock/src/A.java";
  private static final String TASK = "default/task/T1";

  private final HistoryChecker checker = new HistoryChecker(TOLERANCE);
  private final SyntheticLock lock = new SyntheticLock(FILE);
  private final List<Event> log = new ArrayList<>();

  private CheckResult check() {
    return checker.check(PositionedEvent.onePartition(log));
  }

  /** The one violation; fails unless there is exactly one. */
  private Violation onlyViolation(CheckResult result) {
    assertThat(result.ok()).as("a violation expected").isFalse();
    assertThat(result.violations()).as(result.toString()).hasSize(1);
    return result.violations().get(0);
  }

  private static Event taskEvent(String key, EventType type, long version) {
    ObjectNode data = Json.mapper().createObjectNode();
    data.put("id", key.substring(key.lastIndexOf('/') + 1));
    data.put("version", version);
    return new Event(
        "t:" + key + "@" + version,
        type,
        key,
        version,
        "alice",
        "t" + version,
        T0.plusMillis(version),
        data);
  }

  @Nested
  class CleanHistory {

    @Test
    void shouldFindNoViolationInFairHandOverWithSharingExpiryAndTaskWrites() {
      // given: the lock's life as the topology writes it
      log.add(taskEvent(TASK, EventType.TASK_CREATED, 1));
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.after(10).waitFor("bob", "r2", COLLABORATIVE));
      log.add(lock.after(10).waitFor("carol", "r3", COLLABORATIVE));
      log.add(lock.after(10).waitFor("dave", "r4", EXCLUSIVE));
      log.add(taskEvent(TASK, EventType.TASK_UPDATED, 2));
      log.add(lock.after(10).release("alice", "c5"));
      log.add(lock.grantWaiting("r2"));
      log.add(lock.grantWaiting("r3"));
      log.add(lock.after(10).release("bob", "c6"));
      // carol's lease runs out; the punctuation sees it within one interval
      lock.at(lock.holders.get(0).leaseDeadline().plus(TOLERANCE));
      log.add(lock.drop("carol").emit(EventType.LOCK_EXPIRED, "carol", "r3"));
      log.add(lock.grantWaiting("r4"));
      log.add(taskEvent(TASK, EventType.TASK_STATUS_CHANGED, 3));
      log.add(lock.after(10).release("dave", "c7"));

      // when
      CheckResult result = check();

      // then
      assertThat(result.ok()).as(result.toString()).isTrue();
      assertThat(result.eventsChecked()).isEqualTo(log.size());
      assertThat(result.violationCount()).isZero();
      assertThat(result.firstViolation()).isEqualTo("no violations in 14 events");
    }

    @Test
    void shouldCheckEventsInOffsetOrderWhateverTheListOrder() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.waitFor("bob", "r2", EXCLUSIVE));
      log.add(lock.release("alice", "c3"));
      log.add(lock.grantWaiting("r2"));
      List<PositionedEvent> shuffled = new ArrayList<>(PositionedEvent.onePartition(log));
      Collections.reverse(shuffled);

      // when
      CheckResult result = checker.check(shuffled);

      // then
      assertThat(result.ok()).as(result.toString()).isTrue();
    }

    @Test
    void shouldCheckKeysOnDifferentPartitionsIndependently() {
      // given: two locks, interleaved across two partitions
      SyntheticLock other = new SyntheticLock("default/lock/src/B.java");
      List<PositionedEvent> events =
          List.of(
              new PositionedEvent(0, 0, lock.acquire("alice", "r1", EXCLUSIVE)),
              new PositionedEvent(1, 0, other.acquire("bob", "r2", EXCLUSIVE)),
              new PositionedEvent(0, 1, lock.release("alice", "c3")),
              new PositionedEvent(1, 1, other.release("bob", "c4")),
              new PositionedEvent(0, 2, lock.acquire("carol", "r5", EXCLUSIVE)));

      // when
      CheckResult result = checker.check(events);

      // then
      assertThat(result.ok()).as(result.toString()).isTrue();
    }

    @Test
    void shouldStartOverForKeyWhoseStateWasRestored() {
      // given: versions and tokens jump after a restore
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(new Event("restore", EventType.STATE_RESTORED, FILE, 40L, "baton", null, T0, null));
      lock.version = 40;
      lock.drop("alice");
      lock.lastToken = 0;
      log.add(lock.acquire("bob", "r2", EXCLUSIVE));

      // when
      CheckResult result = check();

      // then
      assertThat(result.ok()).as(result.toString()).isTrue();
    }
  }

  @Nested
  class HolderModes {

    @Test
    void shouldFlagTwoExclusiveHolders() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.acquire("bob", "r2", EXCLUSIVE));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.SINGLE_EXCLUSIVE);
      assertThat(v.key()).isEqualTo(FILE);
      assertThat(v.partition()).isZero();
      assertThat(v.offset()).isEqualTo(1);
      assertThat(v.message()).contains("alice").contains("bob");
    }

    @Test
    void shouldFlagCollaborativeAndExclusiveHoldersTogether() {
      // given
      log.add(lock.acquire("alice", "r1", COLLABORATIVE));
      log.add(lock.acquire("bob", "r2", EXCLUSIVE));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.COMPATIBLE_HOLDERS);
      assertThat(v.offset()).isEqualTo(1);
    }

    @Test
    void shouldAcceptManyCollaborativeHolders() {
      // given
      log.add(lock.acquire("alice", "r1", COLLABORATIVE));
      log.add(lock.acquire("bob", "r2", COLLABORATIVE));
      log.add(lock.acquire("carol", "r3", COLLABORATIVE));

      // when / then
      assertThat(check().ok()).isTrue();
    }
  }

  @Nested
  class Leases {

    @Test
    void shouldAcceptHolderListedUpToOneIntervalAfterItsDeadline() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.after(LEASE_MS + TOLERANCE.toMillis()).waitFor("bob", "r2", EXCLUSIVE));

      // when / then
      assertThat(check().ok()).isTrue();
    }

    @Test
    void shouldFlagHolderListedLongerThanOneIntervalAfterItsDeadline() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.after(LEASE_MS + TOLERANCE.toMillis() + 1).waitFor("bob", "r2", EXCLUSIVE));

      // when
      CheckResult result = check();

      // then
      Violation v = onlyViolation(result);
      assertThat(v.invariant()).isEqualTo(Invariant.LEASE_ALIVE);
      assertThat(v.offset()).isEqualTo(1);
      assertThat(v.message()).contains("alice").contains("201 ms earlier");
      assertThat(result.firstViolation())
          .startsWith("[lease-alive] " + FILE + " at partition 0 offset 1");
    }
  }

  @Nested
  class FencingTokens {

    @Test
    void shouldFlagGrantReusingAnEarlierToken() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.release("alice", "c2"));
      log.add(
          lock.holdWithToken("bob", "r3", EXCLUSIVE, 1).emit(EventType.LOCK_GRANTED, "bob", "r3"));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.FENCING_MONOTONIC);
      assertThat(v.offset()).isEqualTo(2);
      assertThat(v.message()).contains("bob").contains("token 1");
    }

    @Test
    void shouldFlagGrantBelowTheNewestTokenEvenWhenNeverHeldTogether() {
      // given: tokens 1 and 3 were granted; a later grant takes 2
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.release("alice", "c2"));
      lock.lastToken = 2;
      log.add(lock.acquire("bob", "r3", EXCLUSIVE));
      log.add(lock.release("bob", "c4"));
      log.add(
          lock.holdWithToken("carol", "r5", EXCLUSIVE, 2)
              .emit(EventType.LOCK_GRANTED, "carol", "r5"));

      // when
      CheckResult result = check();

      // then
      assertThat(result.of(Invariant.FENCING_MONOTONIC)).isNotEmpty();
      assertThat(result.violations().get(0).offset()).isEqualTo(4);
    }

    @Test
    void shouldFlagLastTokenGoingBack() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.release("alice", "c2"));
      lock.lastToken = 0;
      log.add(lock.waitFor("bob", "r3", EXCLUSIVE));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.FENCING_MONOTONIC);
      assertThat(v.message()).contains("lastToken went back from 1 to 0");
    }
  }

  @Nested
  class Fifo {

    @Test
    void shouldFlagCollaborativeRequestOvertakingWaitingExclusive() {
      // given: alice shares, bob waits for exclusive, carol arrives and is granted at once
      log.add(lock.acquire("alice", "r1", COLLABORATIVE));
      log.add(lock.waitFor("bob", "r2", EXCLUSIVE));
      log.add(lock.acquire("carol", "r3", COLLABORATIVE));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.FIFO);
      assertThat(v.offset()).isEqualTo(2);
      assertThat(v.message())
          .contains("carol")
          .contains("bob")
          .contains("incompatible")
          .contains("still waits");
    }

    @Test
    void shouldFlagGrantFromTheMiddleOfTheQueue() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.waitFor("bob", "r2", EXCLUSIVE));
      log.add(lock.waitFor("carol", "r3", EXCLUSIVE));
      log.add(lock.release("alice", "c4"));
      log.add(lock.grantWaiting("r3"));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.FIFO);
      assertThat(v.offset()).isEqualTo(4);
      assertThat(v.message()).contains("carol").contains("bob");
    }

    @Test
    void shouldFlagCompatibleRequestSkippingEarlierCompatibleWaiter() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.waitFor("bob", "r2", COLLABORATIVE));
      log.add(lock.waitFor("carol", "r3", COLLABORATIVE));
      log.add(lock.release("alice", "c4"));
      log.add(lock.grantWaiting("r3"));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.FIFO);
      assertThat(v.message()).doesNotContain("incompatible");
    }

    @Test
    void shouldFlagReorderedQueue() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.waitFor("bob", "r2", EXCLUSIVE));
      log.add(lock.waitFor("carol", "r3", EXCLUSIVE));
      Collections.swap(lock.queue, 0, 1);
      log.add(lock.emit(EventType.LOCK_RENEWED, "alice", "c4"));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.FIFO);
      assertThat(v.message()).contains("queue order changed");
    }

    @Test
    void shouldFlagNewWaiterJumpingAheadOfTheQueue() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.waitFor("bob", "r2", EXCLUSIVE));
      lock.queue.add(
          0,
          new Waiter("carol", "r3", EXCLUSIVE, LEASE_MS, lock.now, lock.now.plusSeconds(60), null));
      log.add(lock.emit(EventType.LOCK_QUEUED, "carol", "r3"));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.FIFO);
    }

    @Test
    void shouldAcceptCompatibleHeadWaitersGrantedTogether() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      log.add(lock.waitFor("bob", "r2", COLLABORATIVE));
      log.add(lock.waitFor("carol", "r3", COLLABORATIVE));
      log.add(lock.waitFor("dave", "r4", EXCLUSIVE));
      log.add(lock.release("alice", "c5"));
      log.add(lock.promote("r2").promote("r3").emit(EventType.LOCK_GRANTED, "bob", "r2"));

      // when / then
      assertThat(check().ok()).as(check().toString()).isTrue();
    }
  }

  @Nested
  class Versions {

    @Test
    void shouldFlagTaskVersionSkippingOne() {
      // given
      log.add(taskEvent(TASK, EventType.TASK_CREATED, 1));
      log.add(taskEvent(TASK, EventType.TASK_UPDATED, 3));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.VERSION_SEQUENCE);
      assertThat(v.offset()).isEqualTo(1);
      assertThat(v.message()).isEqualTo("task version 3 follows 1; expected 2");
    }

    @Test
    void shouldFlagTaskCreatedAtVersionOtherThanOne() {
      // given
      log.add(taskEvent(TASK, EventType.TASK_CREATED, 2));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.VERSION_SEQUENCE);
    }

    @Test
    void shouldFlagRepeatedLockVersion() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      lock.version--;
      log.add(lock.release("alice", "c2"));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.VERSION_SEQUENCE);
      assertThat(v.message()).isEqualTo("lock version 1 follows 1; expected 2");
    }

    @Test
    void shouldFlagEventVersionDifferentFromItsData() {
      // given
      Event e = lock.acquire("alice", "r1", EXCLUSIVE);
      log.add(new Event(e.id(), e.type(), e.key(), 7L, e.agent(), e.commandId(), e.at(), e.data()));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.VERSION_SEQUENCE);
      assertThat(v.message()).contains("version 7").contains("version 1");
    }

    @Test
    void shouldKeepTaskAndLockSequencesOfOneKeyApart() {
      // given: the lock on task/T1 lives under the task's key
      SyntheticLock taskLock = new SyntheticLock("default/lock/task/T1");
      log.add(taskEvent(TASK, EventType.TASK_CREATED, 1));
      log.add(onKey(taskLock.acquire("alice", "r1", EXCLUSIVE), TASK));
      log.add(taskEvent(TASK, EventType.TASK_UPDATED, 2));
      log.add(onKey(taskLock.release("alice", "c2"), TASK));
      log.add(taskEvent(TASK, EventType.TASK_UPDATED, 3));

      // when
      CheckResult result = check();

      // then
      assertThat(result.ok()).as(result.toString()).isTrue();
    }

    private Event onKey(Event e, String key) {
      ObjectNode data = (ObjectNode) e.data();
      data.put("key", key);
      return new Event(e.id(), e.type(), key, e.version(), e.agent(), e.commandId(), e.at(), data);
    }
  }

  @Nested
  class Placement {

    @Test
    void shouldFlagKeyOnTwoPartitions() {
      // given
      List<PositionedEvent> events =
          List.of(
              new PositionedEvent(0, 0, lock.acquire("alice", "r1", EXCLUSIVE)),
              new PositionedEvent(1, 0, lock.release("alice", "c2")));

      // when
      Violation v = onlyViolation(checker.check(events));

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.KEY_PLACEMENT);
      assertThat(v.partition()).isEqualTo(1);
      assertThat(v.offset()).isZero();
    }

    @Test
    void shouldFlagLockEventWithoutLockState() {
      // given
      log.add(
          new Event(
              "x",
              EventType.LOCK_GRANTED,
              FILE,
              1L,
              "alice",
              "r1",
              T0,
              Json.mapper().createObjectNode().put("version", 1).put("holders", "nobody")));

      // when
      Violation v = onlyViolation(check());

      // then
      assertThat(v.invariant()).isEqualTo(Invariant.READABLE);
      assertThat(v.message()).contains("lock.granted");
    }

    @Test
    void shouldReportProblemsFoundWhileReadingFirst() {
      // given
      log.add(lock.acquire("alice", "r1", EXCLUSIVE));
      Violation unreadable = new Violation(Invariant.READABLE, "k", 2, 9, null, "not an event");

      // when
      CheckResult result = checker.check(PositionedEvent.onePartition(log), List.of(unreadable));

      // then
      assertThat(result.violations()).containsExactly(unreadable);
      assertThat(result.firstViolation())
          .isEqualTo("[readable] k at partition 2 offset 9: not an event");
    }
  }

  @Nested
  class Result {

    @Test
    void shouldCountEveryViolationButKeepOnlyTheFirstThousand() {
      // given: every event repeats version 1
      for (int i = 0; i < HistoryChecker.MAX_REPORTED_VIOLATIONS + 6; i++) {
        log.add(taskEvent(TASK, EventType.TASK_UPDATED, 1));
      }

      // when
      CheckResult result = check();

      // then
      assertThat(result.violationCount()).isEqualTo(HistoryChecker.MAX_REPORTED_VIOLATIONS + 5);
      assertThat(result.violations()).hasSize(HistoryChecker.MAX_REPORTED_VIOLATIONS);
      assertThat(result.violations().get(0).offset()).isEqualTo(1);
      assertThat(result.toString()).startsWith("1005 violation(s) in 1006 events");
    }

    @Test
    void shouldRefuseNegativeTolerance() {
      assertThatThrownBy(() -> new HistoryChecker(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be >= 0");
    }

    @Test
    void shouldPlaceEventsOfOnePartitionAtConsecutiveOffsets() {
      // given
      Event a = lock.acquire("alice", "r1", EXCLUSIVE);
      Event b = lock.release("alice", "c2");

      // when
      List<PositionedEvent> placed = PositionedEvent.onePartition(List.of(a, b));

      // then
      assertThat(placed)
          .containsExactly(new PositionedEvent(0, 0, a), new PositionedEvent(0, 1, b));
      assertThat(placed.get(1).position()).isEqualTo("0/1");
    }
  }
}
