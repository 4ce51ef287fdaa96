package dev.baton.app.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.LockAcquire;
import dev.baton.sdk.protocol.CommandBodies.LockForceRelease;
import dev.baton.sdk.protocol.CommandBodies.LockResource;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.EventPayload.LockChanged;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Fence;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.LockState.Holder;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The lock rules as pure functions: a lock, a command and a time in; events and outcomes out. */
class LockRulesTest {
  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  private static final String RESOURCE = "src/A.java";
  private static final String KEY = AggregateKeys.lock("default", RESOURCE);
  private static final String TASK_KEY = AggregateKeys.task("default", "T1");
  private static final long LEASE = 10_000;
  private static final LockRules.Limits LIMITS = new LockRules.Limits(LEASE, 60_000, 120_000);
  private static final AtomicInteger IDS = new AtomicInteger();

  /** The lock the last verdict left (the payload of its last event), or {@code before}. */
  private static LockState after(Verdict verdict, LockState before) {
    List<Verdict.NewEvent> events = verdict.events();
    return events.isEmpty()
        ? before
        : ((LockChanged) events.get(events.size() - 1).payload()).lock();
  }

  private static Command command(CommandType type, String agent, Fence fence) {
    return new Command(
        "c-" + IDS.incrementAndGet(),
        type,
        "default",
        agent,
        NOW,
        null,
        fence,
        null,
        Json.mapper().createObjectNode());
  }

  private static LockState empty() {
    return LockState.empty("default", RESOURCE, KEY);
  }

  /** Runs one rule and returns its verdict. */
  private interface Rule {
    void apply(Verdict.Builder out);
  }

  private static Verdict decide(String commandId, Rule rule) {
    Verdict.Builder out = commandId == null ? Verdict.forDeadline() : Verdict.forCommand(commandId);
    rule.apply(out);
    return out.build();
  }

  private static Verdict acquire(LockState lock, String agent, LockMode mode, Long waitMs) {
    return acquire(lock, agent, mode, waitMs, NOW);
  }

  private static Verdict acquire(
      LockState lock, String agent, LockMode mode, Long waitMs, Instant at) {
    Command cmd = command(CommandType.LOCK_ACQUIRE, agent, null);
    return decide(
        cmd.id(),
        out ->
            LockRules.acquire(
                lock, cmd, new LockAcquire(RESOURCE, mode, LEASE, waitMs), at, LIMITS, out));
  }

  private static Verdict release(LockState lock, String agent) {
    Command cmd = command(CommandType.LOCK_RELEASE, agent, null);
    return decide(
        cmd.id(),
        out -> LockRules.release(lock, KEY, cmd, new LockResource(RESOURCE, null), NOW, out));
  }

  private static Verdict forceRelease(LockState lock, String admin, String holder) {
    Command cmd = command(CommandType.LOCK_FORCE_RELEASE, admin, null);
    return decide(
        cmd.id(),
        out ->
            LockRules.forceRelease(
                lock, KEY, cmd, new LockForceRelease(RESOURCE, holder, "agent crashed"), NOW, out));
  }

  private static Verdict renew(LockState lock, String agent) {
    Command cmd = command(CommandType.LOCK_RENEW, agent, null);
    return decide(
        cmd.id(),
        out ->
            LockRules.renew(
                lock, KEY, cmd, new LockResource(RESOURCE, null), NOW.plusSeconds(1), LIMITS, out));
  }

  /** {@code agent} acquires {@code lock} at once; the lock after the grant. */
  private static LockState held(LockState lock, String agent, LockMode mode) {
    Verdict v = acquire(lock, agent, mode, null);
    assertThat(v.replies().get(0).outcome().status()).isEqualTo(OutcomeStatus.GRANTED);
    return after(v, lock);
  }

  private static LockState queued(LockState lock, String agent, LockMode mode) {
    Verdict v = acquire(lock, agent, mode, 30_000L);
    assertThat(v.replies().get(0).outcome().status()).isEqualTo(OutcomeStatus.QUEUED);
    return after(v, lock);
  }

  private static List<String> holders(LockState lock) {
    return lock.holders().stream().map(Holder::agent).toList();
  }

  @Nested
  class Compatibility {

    @Test
    void shouldGrantAFreeLockWithTheNextToken() {
      // when
      Verdict v = acquire(empty(), "alice", LockMode.EXCLUSIVE, null);

      // then
      assertThat(v.events())
          .extracting(Verdict.NewEvent::type)
          .containsExactly(EventType.LOCK_GRANTED);
      Outcome granted = v.replies().get(0).outcome();
      assertThat(granted.status()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(granted.token()).isEqualTo(1);
      assertThat(granted.leaseDeadline()).isEqualTo(NOW.plusMillis(LEASE));
      assertThat(after(v, null).version()).isEqualTo(1);
    }

    @Test
    void shouldShareACollaborativeLock() {
      // given
      LockState lock = held(empty(), "alice", LockMode.COLLABORATIVE);

      // when
      Verdict v = acquire(lock, "bob", LockMode.COLLABORATIVE, null);

      // then
      assertThat(v.replies().get(0).outcome().token()).isEqualTo(2);
      assertThat(holders(after(v, lock))).containsExactly("alice", "bob");
    }

    @Test
    void shouldRefuseAnExclusiveRequestOnAHeldLockWithoutWaiting() {
      // given
      LockState lock = held(empty(), "alice", LockMode.COLLABORATIVE);

      // when
      Verdict v = acquire(lock, "bob", LockMode.EXCLUSIVE, null);

      // then
      assertThat(v.events()).isEmpty();
      Outcome refused = v.replies().get(0).outcome();
      assertThat(refused.code()).isEqualTo(OutcomeCode.LOCKED);
      assertThat(refused.holders()).containsExactly("alice");
    }

    @Test
    void shouldExtendTheLeaseAndKeepTheTokenWhenTheHolderAsksAgain() {
      // given
      LockState lock = held(empty(), "alice", LockMode.EXCLUSIVE);

      // when
      Verdict v = acquire(lock, "alice", LockMode.EXCLUSIVE, null, NOW.plusSeconds(5));

      // then
      assertThat(v.events())
          .extracting(Verdict.NewEvent::type)
          .containsExactly(EventType.LOCK_RENEWED);
      assertThat(v.replies().get(0).outcome().token()).isEqualTo(1);
      assertThat(after(v, lock).holders().get(0).leaseDeadline())
          .isEqualTo(NOW.plusSeconds(5).plusMillis(LEASE));
    }

    @Test
    void shouldRefuseAModeChangeOfAHeldLock() {
      LockState lock = held(empty(), "alice", LockMode.COLLABORATIVE);

      assertThatThrownBy(() -> acquire(lock, "alice", LockMode.EXCLUSIVE, null))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessageContaining("holds lock " + KEY + " in COLLABORATIVE mode");
    }

    @Test
    void shouldRefuseALeaseAboveTheMaximum() {
      Command cmd = command(CommandType.LOCK_ACQUIRE, "alice", null);

      assertThatThrownBy(
              () ->
                  LockRules.acquire(
                      empty(),
                      cmd,
                      new LockAcquire(RESOURCE, LockMode.EXCLUSIVE, 60_001L, null),
                      NOW,
                      LIMITS,
                      Verdict.forCommand(cmd.id())))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessage("lease 60001 ms for lock " + KEY + " exceeds the maximum of 60000 ms");
    }
  }

  @Nested
  class Fifo {

    @Test
    void shouldNotLetLaterSharedRequestsOvertakeAWaitingExclusiveOne() {
      // given: alice shares, bob waits for exclusive
      LockState lock = held(empty(), "alice", LockMode.COLLABORATIVE);
      lock = queued(lock, "bob", LockMode.EXCLUSIVE);

      // when: carol asks to share, compatible with alice
      Verdict v = acquire(lock, "carol", LockMode.COLLABORATIVE, 30_000L);

      // then: she queues behind bob
      Outcome queued = v.replies().get(0).outcome();
      assertThat(queued.status()).isEqualTo(OutcomeStatus.QUEUED);
      assertThat(queued.position()).isEqualTo(2);
      assertThat(after(v, lock).queue())
          .extracting(LockState.Waiter::agent)
          .containsExactly("bob", "carol");
    }

    @Test
    void shouldGrantTheHeadOnReleaseAndStopAtAnIncompatibleRequest() {
      // given: alice exclusive; queue bob (shared), carol (shared), dave (exclusive), erin (shared)
      LockState lock = held(empty(), "alice", LockMode.EXCLUSIVE);
      lock = queued(lock, "bob", LockMode.COLLABORATIVE);
      lock = queued(lock, "carol", LockMode.COLLABORATIVE);
      lock = queued(lock, "dave", LockMode.EXCLUSIVE);
      lock = queued(lock, "erin", LockMode.COLLABORATIVE);

      // when
      Verdict v = release(lock, "alice");

      // then
      assertThat(v.events())
          .extracting(Verdict.NewEvent::type)
          .containsExactly(EventType.LOCK_RELEASED, EventType.LOCK_GRANTED, EventType.LOCK_GRANTED);
      LockState next = after(v, lock);
      assertThat(holders(next)).containsExactly("bob", "carol");
      assertThat(next.holders()).extracting(Holder::token).containsExactly(2L, 3L);
      assertThat(next.queue()).extracting(LockState.Waiter::agent).containsExactly("dave", "erin");
      assertThat(v.replies())
          .extracting(r -> r.outcome().status(), Verdict.Reply::answer)
          .containsExactly(
              tuple(OutcomeStatus.ACCEPTED, true),
              tuple(OutcomeStatus.GRANTED, false),
              tuple(OutcomeStatus.GRANTED, false));
      assertThat(v.events().get(1).id()).endsWith(":granted");
    }

    @Test
    void shouldRaiseTheVersionByOnePerEvent() {
      LockState lock = held(empty(), "alice", LockMode.EXCLUSIVE);
      lock = queued(lock, "bob", LockMode.COLLABORATIVE);

      Verdict v = release(lock, "alice");

      assertThat(v.events()).extracting(Verdict.NewEvent::version).containsExactly(3L, 4L);
    }
  }

  @Nested
  class Expiry {

    @Test
    void shouldDropAnExpiredHolderRememberItAndGrantTheNextWaiter() {
      // given
      LockState lock = held(empty(), "alice", LockMode.EXCLUSIVE);
      lock = queued(lock, "bob", LockMode.EXCLUSIVE);
      LockState before = lock;

      // when
      Verdict v = decide(null, out -> LockRules.expireLease(before, 1, NOW.plusMillis(LEASE), out));

      // then
      assertThat(v.events())
          .extracting(Verdict.NewEvent::type)
          .containsExactly(EventType.LOCK_EXPIRED, EventType.LOCK_GRANTED);
      LockState next = after(v, before);
      assertThat(holders(next)).containsExactly("bob");
      assertThat(next.holders().get(0).token()).isEqualTo(2);
      assertThat(next.recentlyExpired()).extracting(Holder::agent).containsExactly("alice");
      assertThat(v.events().get(0).id()).endsWith(":expired:1");
      assertThat(renew(next, "alice").replies().get(0).outcome().code())
          .isEqualTo(OutcomeCode.EXPIRED);
    }

    @Test
    void shouldDoNothingForALeaseThatWasExtended() {
      LockState lock = held(empty(), "alice", LockMode.EXCLUSIVE);

      Verdict v =
          decide(null, out -> LockRules.expireLease(lock, 1, NOW.plusMillis(LEASE - 1), out));

      assertThat(v.events()).isEmpty();
      assertThat(v.replies()).isEmpty();
    }

    @Test
    void shouldTellAWaiterWhoseWaitRanOutAndGrantCompatibleRequestsBehindIt() {
      // given: alice shares; bob waits for exclusive (short wait), carol to share behind him
      LockState lock = held(empty(), "alice", LockMode.COLLABORATIVE);
      Command bob = command(CommandType.LOCK_ACQUIRE, "bob", null);
      Verdict.Builder queuedBob = Verdict.forCommand(bob.id());
      LockRules.acquire(
          lock,
          bob,
          new LockAcquire(RESOURCE, LockMode.EXCLUSIVE, LEASE, 1_000L),
          NOW,
          LIMITS,
          queuedBob);
      lock = after(queuedBob.build(), lock);
      lock = queued(lock, "carol", LockMode.COLLABORATIVE);
      LockState before = lock;

      // when
      Verdict v =
          decide(null, out -> LockRules.expireWait(before, bob.id(), NOW.plusMillis(1_000), out));

      // then
      assertThat(v.events())
          .extracting(Verdict.NewEvent::type)
          .containsExactly(EventType.LOCK_WAIT_EXPIRED, EventType.LOCK_GRANTED);
      assertThat(v.replies().get(0).outcome().commandId()).isEqualTo(bob.id());
      assertThat(v.replies().get(0).outcome().code()).isEqualTo(OutcomeCode.EXPIRED);
      assertThat(holders(after(v, before))).containsExactly("alice", "carol");
    }
  }

  @Nested
  class ForceRelease {

    @Test
    void shouldEndAnotherAgentsGrantAsTheAdminAndGrantTheNextWaiterANewerToken() {
      // given: alice holds token 1, bob waits
      LockState lock = held(empty(), "alice", LockMode.EXCLUSIVE);
      lock = queued(lock, "bob", LockMode.EXCLUSIVE);

      // when
      Verdict v = forceRelease(lock, "root", "alice");

      // then: one lock.released by the admin that names alice's grant, then bob's grant
      assertThat(v.events())
          .extracting(Verdict.NewEvent::type, Verdict.NewEvent::agent)
          .containsExactly(
              tuple(EventType.LOCK_RELEASED, "root"), tuple(EventType.LOCK_GRANTED, "bob"));
      LockChanged released = (LockChanged) v.events().get(0).payload();
      assertThat(released.forced().by()).isEqualTo("root");
      assertThat(released.forced().reason()).isEqualTo("agent crashed");
      assertThat(released.forced().holders())
          .extracting(Holder::agent, Holder::token)
          .containsExactly(tuple("alice", 1L));
      assertThat(released.lock().holders()).isEmpty();
      assertThat(released.toJson().path("forced").path("holders").get(0).path("agent").asText())
          .isEqualTo("alice");
      LockState next = after(v, lock);
      assertThat(next.holders())
          .extracting(Holder::agent, Holder::token)
          .containsExactly(tuple("bob", 2L));
      Outcome answer = v.replies().get(0).outcome();
      assertThat(answer.status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(answer.message()).isEqualTo("force-released by root: [alice (token 1)]");
      assertThat(v.replies().get(1).outcome().status()).isEqualTo(OutcomeStatus.GRANTED);
    }

    @Test
    void shouldFenceTheFormerHoldersWritesAfterAForcedRelease() {
      LockState lock =
          held(LockState.empty("default", "task/T1", TASK_KEY), "alice", LockMode.EXCLUSIVE);
      Command cmd = command(CommandType.LOCK_FORCE_RELEASE, "root", null);
      LockState before = lock;
      lock =
          after(
              decide(
                  cmd.id(),
                  out ->
                      LockRules.forceRelease(
                          before,
                          TASK_KEY,
                          cmd,
                          new LockForceRelease("task/T1", "alice", null),
                          NOW,
                          out)),
              before);
      Command stale = command(CommandType.TASK_UPDATE, "alice", new Fence("task/T1", 1L));

      assertThat(LockRules.checkTaskWrite(lock, stale, TASK_KEY).code())
          .isEqualTo(OutcomeCode.FENCED);
    }

    @Test
    void shouldEndEveryGrantWhenNoHolderIsNamed() {
      LockState lock = held(empty(), "alice", LockMode.COLLABORATIVE);
      lock = held(lock, "bob", LockMode.COLLABORATIVE);

      Verdict v = forceRelease(lock, "root", null);

      assertThat(((LockChanged) v.events().get(0).payload()).forced().holders())
          .extracting(Holder::agent)
          .containsExactly("alice", "bob");
      assertThat(after(v, lock).holders()).isEmpty();
      assertThat(v.replies().get(0).outcome().token()).isNull();
    }

    @Test
    void shouldRefuseAHolderThatDoesNotHoldItAndWriteNothing() {
      LockState lock = held(empty(), "alice", LockMode.EXCLUSIVE);

      Verdict v = forceRelease(lock, "root", "bob");

      assertThat(v.events()).isEmpty();
      Outcome refused = v.replies().get(0).outcome();
      assertThat(refused.code()).isEqualTo(OutcomeCode.NOT_HOLDER);
      assertThat(refused.message())
          .isEqualTo("bob does not hold lock " + KEY + "; holders: [alice]");
    }

    @Test
    void shouldAnswerNotFoundForALockNobodyNamedAndNotHolderForAFreeOne() {
      assertThat(forceRelease(null, "root", null).replies().get(0).outcome().code())
          .isEqualTo(OutcomeCode.NOT_FOUND);
      LockState free = after(release(held(empty(), "alice", LockMode.EXCLUSIVE), "alice"), null);
      Verdict v = forceRelease(free, "root", null);
      assertThat(v.events()).isEmpty();
      assertThat(v.replies().get(0).outcome().message())
          .isEqualTo("lock " + KEY + " has no holder to release");
    }
  }

  @Nested
  class NotHolder {

    @Test
    void shouldAnswerNotFoundForALockNobodyNamed() {
      Verdict v = release(null, "alice");

      assertThat(v.events()).isEmpty();
      assertThat(v.replies().get(0).outcome().code()).isEqualTo(OutcomeCode.NOT_FOUND);
    }

    @Test
    void shouldAnswerNotHolderToAnotherAgent() {
      LockState lock = held(empty(), "alice", LockMode.EXCLUSIVE);

      Outcome refused = renew(lock, "bob").replies().get(0).outcome();

      assertThat(refused.code()).isEqualTo(OutcomeCode.NOT_HOLDER);
      assertThat(refused.message())
          .isEqualTo("bob does not hold lock " + KEY + "; holders: [alice]");
    }
  }

  @Nested
  class Fencing {

    private LockState taskLock(String agent, LockMode mode) {
      return held(LockState.empty("default", "task/T1", TASK_KEY), agent, mode);
    }

    private Command write(String agent, Long token) {
      return command(
          CommandType.TASK_UPDATE, agent, token == null ? null : new Fence("task/T1", token));
    }

    @Test
    void shouldLetTheHolderWriteWithItsToken() {
      LockState lock = taskLock("alice", LockMode.EXCLUSIVE);

      assertThat(LockRules.checkTaskWrite(lock, write("alice", 1L), TASK_KEY)).isNull();
    }

    @Test
    void shouldFenceAStaleToken() {
      // given: alice's token 1 was released, bob holds token 2
      LockState lock = taskLock("alice", LockMode.COLLABORATIVE);
      lock = after(release(lock, "alice"), lock);
      lock = held(lock, "bob", LockMode.COLLABORATIVE);

      // when
      TaskDecision.Rejected rejected = LockRules.checkTaskWrite(lock, write("alice", 1L), TASK_KEY);

      // then
      assertThat(rejected.code()).isEqualTo(OutcomeCode.FENCED);
      assertThat(rejected.message())
          .isEqualTo(
              "fencing token 1 for " + TASK_KEY + " is stale (newest token 2, not held by alice)");
    }

    @Test
    void shouldFenceAnotherAgentsToken() {
      LockState lock = taskLock("alice", LockMode.COLLABORATIVE);

      assertThat(LockRules.checkTaskWrite(lock, write("bob", 1L), TASK_KEY).code())
          .isEqualTo(OutcomeCode.FENCED);
    }

    @Test
    void shouldBlockUnfencedWritesUnderAnotherAgentsExclusiveLock() {
      LockState lock = taskLock("alice", LockMode.EXCLUSIVE);

      assertThat(LockRules.checkTaskWrite(lock, write("bob", null), TASK_KEY).code())
          .isEqualTo(OutcomeCode.LOCKED);
      assertThat(LockRules.checkTaskWrite(lock, write("alice", null), TASK_KEY)).isNull();
    }

    @Test
    void shouldRefuseAFenceOnAnotherResource() {
      Command cmd = command(CommandType.TASK_UPDATE, "alice", new Fence("task/T2", 1L));

      assertThatThrownBy(() -> LockRules.checkTaskWrite(null, cmd, TASK_KEY))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessage("fence resource 'task/T2' is not this task's lock (task/T1)");
    }

    @Test
    void shouldReleaseTheFencedGrantAfterTheWritesAnswer() {
      // given
      LockState lock = taskLock("alice", LockMode.EXCLUSIVE);
      Command cmd = write("alice", 1L);
      Outcome answer =
          Outcome.accepted(cmd, TASK_KEY, 2L, Json.mapper().createObjectNode(), "ok", NOW);
      LockState before = lock;

      // when
      Verdict v = decide(cmd.id(), out -> LockRules.releaseFenced(before, cmd, NOW, out, answer));

      // then
      assertThat(v.events())
          .extracting(Verdict.NewEvent::type)
          .containsExactly(EventType.LOCK_RELEASED);
      assertThat(v.replies()).extracting(Verdict.Reply::outcome).containsExactly(answer);
      assertThat(after(v, before).holders()).isEmpty();
    }
  }
}
