package dev.baton.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.check.CheckResult;
import dev.baton.app.check.HistoryChecker;
import dev.baton.app.check.Invariant;
import dev.baton.app.check.PositionedEvent;
import dev.baton.app.config.AppConfig;
import dev.baton.app.processor.CommandProcessor;
import dev.baton.app.state.LockDeadlines;
import dev.baton.app.state.RetryRoutes;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.JsonSerde;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.ReplyTo;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lock rules end to end: raw lock and task commands into {@code baton.commands}, outcomes and
 * events out, the punctuator driven by the driver's wall clock. After every test the {@link
 * HistoryChecker} runs over every event the test produced and must find nothing.
 */
class LockTopologyTest {
  static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
  static final Duration TICK = Duration.ofMillis(200);
  static final long MAX_LEASE_MS = 60_000;
  static final long MAX_WAIT_MS = 120_000;
  static final long LEASE_MS = 10_000;
  static final String FILE = "src/A.java";
  static final String FILE_KEY = AggregateKeys.lock("default", FILE);
  static final String T1 = "T1";
  static final String TASK_RESOURCE = "task/" + T1;
  static final String TASK_KEY = AggregateKeys.task("default", T1);

  static final Map<String, Object> OVERRIDES =
      Map.of(
          AppConfig.PUNCTUATE_INTERVAL_MS, TICK.toMillis(),
          AppConfig.LOCK_MAX_LEASE_MS, MAX_LEASE_MS,
          AppConfig.LOCK_MAX_WAIT_MS, MAX_WAIT_MS);

  @TempDir Path stateDir;
  private LockApp app;

  @BeforeEach
  void open() {
    app = new LockApp(stateDir);
  }

  @AfterEach
  void checkHistoryAndClose() {
    try {
      CheckResult result = app.checkHistory();
      assertThat(result.ok()).as("history of the test: %s", result).isTrue();
    } finally {
      app.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Givens

  /** Sends {@code command} and checks it was granted; returns the grant. */
  private Outcome granted(ObjectNode command) {
    Outcome o = app.send(command).outcome();
    assertThat(o.status()).as("given grant: %s", o.message()).isEqualTo(OutcomeStatus.GRANTED);
    return o;
  }

  private Outcome queued(ObjectNode command) {
    Outcome o = app.send(command).outcome();
    assertThat(o.status()).as("given queued: %s", o.message()).isEqualTo(OutcomeStatus.QUEUED);
    return o;
  }

  private Outcome accepted(ObjectNode command) {
    Reply reply = app.send(command);
    Outcome o = reply.outcomeOf(id(command));
    assertThat(o.status()).as("given accepted: %s", o.message()).isEqualTo(OutcomeStatus.ACCEPTED);
    return o;
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Acquire {

    @Test
    void shouldGrantFreeExclusiveLockWithTokenOne() {
      // given
      ObjectNode command = acquire("alice", FILE, "EXCLUSIVE", LEASE_MS, null);

      // when
      Reply reply = app.send(command);

      // then
      Outcome o = reply.outcome();
      assertThat(reply.outcomes().get(0).key).isEqualTo(id(command));
      assertThat(o.commandId()).isEqualTo(id(command));
      assertThat(o.commandType()).isEqualTo(CommandType.LOCK_ACQUIRE);
      assertThat(o.key()).isEqualTo(FILE_KEY);
      assertThat(o.status()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(o.code()).isEqualTo(OutcomeCode.OK);
      assertThat(o.token()).isEqualTo(1L);
      assertThat(o.holders()).containsExactly("alice");
      assertThat(o.leaseDeadline()).isEqualTo(START.plusMillis(LEASE_MS));
      assertThat(o.version()).isEqualTo(1L);

      Event e = reply.event();
      assertThat(reply.events().get(0).key).isEqualTo(FILE_KEY);
      assertThat(e.type()).isEqualTo(EventType.LOCK_GRANTED);
      assertThat(e.key()).isEqualTo(FILE_KEY);
      assertThat(e.version()).isEqualTo(1L);
      assertThat(e.agent()).isEqualTo("alice");
      assertThat(e.commandId()).isEqualTo(id(command));
      assertThat(e.at()).isEqualTo(START);
      assertThat(e.data().path("holders").get(0).path("token").asLong()).isEqualTo(1L);
      assertThat(e.data().path("lastToken").asLong()).isEqualTo(1L);

      LockState lock = app.lock(FILE_KEY);
      assertThat(lock.resource()).isEqualTo(FILE);
      assertThat(lock.mode()).isEqualTo(LockMode.EXCLUSIVE);
      assertThat(lock.holders()).extracting(LockState.Holder::agent).containsExactly("alice");
      assertThat(lock.queue()).isEmpty();
      assertThat(lock.lastToken()).isEqualTo(1L);
    }

    @Test
    void shouldUseTheDefaultLeaseWhenRequestNamesNone() {
      // when
      Outcome o = granted(acquire("alice", FILE, "EXCLUSIVE", null, null));

      // then
      assertThat(o.leaseDeadline())
          .isEqualTo(START.plus(AppConfig.defaults(OVERRIDES).defaultLease()));
    }

    @ParameterizedTest(name = "waitMs {0}")
    @ValueSource(longs = {-1, 0})
    void shouldRejectSecondExclusiveThatWillNotWaitAsLocked(long waitMs) {
      // given
      granted(exclusive("alice", FILE));

      // when: -1 stands for no waitMs at all
      Reply reply =
          app.send(acquire("bob", FILE, "EXCLUSIVE", LEASE_MS, waitMs < 0 ? null : waitMs));

      // then
      Outcome o = reply.outcome();
      assertThat(o.status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(o.code()).isEqualTo(OutcomeCode.LOCKED);
      assertThat(o.message()).contains("alice");
      assertThat(o.holders()).containsExactly("alice");
      assertThat(o.token()).isNull();
      assertThat(o.state().path("holders").get(0).path("agent").asText()).isEqualTo("alice");
      assertThat(reply.events()).isEmpty();
      assertThat(app.lock(FILE_KEY).version()).isEqualTo(1L);
      assertThat(app.lock(FILE_KEY).queue()).isEmpty();
    }

    @Test
    void shouldQueueSecondExclusiveAndGrantItTheMomentTheFirstReleases() {
      // given
      granted(exclusive("alice", FILE));
      ObjectNode bob = withReplyTo(acquire("bob", FILE, "EXCLUSIVE", 5_000L, 30_000L), 3);

      // when
      Reply queued = app.send(bob);

      // then
      Outcome q = queued.outcome();
      assertThat(q.commandId()).isEqualTo(id(bob));
      assertThat(q.status()).isEqualTo(OutcomeStatus.QUEUED);
      assertThat(q.code()).isEqualTo(OutcomeCode.OK);
      assertThat(q.position()).isEqualTo(1);
      assertThat(q.token()).isNull();
      assertThat(q.holders()).containsExactly("alice");
      Event qe = queued.event();
      assertThat(qe.type()).isEqualTo(EventType.LOCK_QUEUED);
      assertThat(qe.agent()).isEqualTo("bob");
      JsonNode waiter = qe.data().path("queue").get(0);
      assertThat(waiter.path("requestId").asText()).isEqualTo(id(bob));
      assertThat(waiter.path("replyTo").path("partition").asInt()).isEqualTo(3);

      // when
      app.advance(Duration.ofMillis(600));
      ObjectNode release = release("alice", FILE);
      Reply handOver = app.send(release);

      // then
      assertThat(handOver.outcomes()).hasSize(2);
      Outcome released = handOver.outcomeOf(id(release));
      assertThat(released.status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(released.token()).isEqualTo(1L);
      Outcome grant = handOver.outcomeOf(id(bob));
      assertThat(handOver.outcomes().get(1).key).isEqualTo(id(bob));
      assertThat(grant.status()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(grant.code()).isEqualTo(OutcomeCode.OK);
      assertThat(grant.token()).isEqualTo(2L);
      assertThat(grant.holders()).containsExactly("bob");
      assertThat(grant.leaseDeadline()).isEqualTo(app.now().plusMillis(5_000));
      assertThat(handOver.types()).containsExactly(EventType.LOCK_RELEASED, EventType.LOCK_GRANTED);
      Event ge = handOver.eventValues().get(1);
      assertThat(ge.agent()).isEqualTo("bob");
      assertThat(ge.commandId()).isEqualTo(id(bob));
      assertThat(ge.at()).isEqualTo(app.now());
      LockState lock = app.lock(FILE_KEY);
      assertThat(lock.holders()).extracting(LockState.Holder::agent).containsExactly("bob");
      assertThat(lock.queue()).isEmpty();
      assertThat(lock.lastToken()).isEqualTo(2L);
    }

    @Test
    void shouldLetCollaborativeHoldersShareTheLock() {
      // given
      Outcome alice = granted(collaborative("alice", FILE));

      // when
      Outcome bob = granted(collaborative("bob", FILE));

      // then
      assertThat(alice.token()).isEqualTo(1L);
      assertThat(bob.token()).isEqualTo(2L);
      assertThat(bob.holders()).containsExactly("alice", "bob");
      assertThat(app.lock(FILE_KEY).holders())
          .extracting(LockState.Holder::mode)
          .containsExactly(LockMode.COLLABORATIVE, LockMode.COLLABORATIVE);
    }

    @Test
    void shouldRejectExclusiveWhileCollaborativeHoldersHaveIt() {
      // given
      granted(collaborative("alice", FILE));
      granted(collaborative("bob", FILE));

      // when
      Outcome o = app.send(acquire("carol", FILE, "EXCLUSIVE", LEASE_MS, 0L)).outcome();

      // then
      assertThat(o.code()).isEqualTo(OutcomeCode.LOCKED);
      assertThat(o.holders()).containsExactly("alice", "bob");
    }

    @Test
    void shouldExtendTheLeaseAndKeepTheTokenWhenTheHolderAsksAgain() {
      // given
      granted(exclusive("alice", FILE));
      app.advance(Duration.ofMillis(1_000));

      // when
      Reply reply = app.send(exclusive("alice", FILE));

      // then
      Outcome o = reply.outcome();
      assertThat(o.status()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(o.token()).isEqualTo(1L);
      assertThat(o.leaseDeadline()).isEqualTo(app.now().plusMillis(LEASE_MS));
      assertThat(reply.event().type()).isEqualTo(EventType.LOCK_RENEWED);
      assertThat(app.lock(FILE_KEY).lastToken()).isEqualTo(1L);
    }

    @Test
    void shouldRejectHolderAskingForTheOtherMode() {
      // given
      granted(collaborative("alice", FILE));

      // when
      Reply reply = app.send(exclusive("alice", FILE));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.outcome().message()).contains("COLLABORATIVE").contains("release it");
      assertThat(reply.events()).isEmpty();
    }

    @Test
    void shouldRejectSecondRequestOfAnAgentThatAlreadyWaits() {
      // given
      granted(exclusive("alice", FILE));
      queued(waiting("bob", FILE, "EXCLUSIVE", 30_000));

      // when
      Reply reply = app.send(waiting("bob", FILE, "EXCLUSIVE", 30_000));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.outcome().message()).contains("already waits");
      assertThat(app.lock(FILE_KEY).queue()).hasSize(1);
    }
  }

  @Nested
  class Fairness {

    @Test
    void shouldQueueLaterCollaborativeBehindWaitingExclusive() {
      // given: S1 holds, X waits
      granted(collaborative("alice", FILE));
      queued(waiting("bob", FILE, "EXCLUSIVE", 30_000));

      // when: S2 arrives
      ObjectNode carol = waiting("carol", FILE, "COLLABORATIVE", 30_000);
      Outcome s2 = app.send(carol).outcome();
      Outcome s3 = app.send(acquire("dave", FILE, "COLLABORATIVE", LEASE_MS, 0L)).outcome();

      // then: S2 waits behind X, a try-lock S3 is refused
      assertThat(s2.status()).isEqualTo(OutcomeStatus.QUEUED);
      assertThat(s2.position()).isEqualTo(2);
      assertThat(s2.holders()).containsExactly("alice");
      assertThat(s3.code()).isEqualTo(OutcomeCode.LOCKED);
      assertThat(app.lock(FILE_KEY).holders()).hasSize(1);

      // when: S1 leaves, X gets it; X leaves, S2 gets it
      Reply first = app.send(release("alice", FILE));
      LockState afterFirst = app.lock(FILE_KEY);
      Reply second = app.send(release("bob", FILE));

      // then
      assertThat(first.grants()).extracting(Outcome::token).containsExactly(2L);
      assertThat(afterFirst.holders()).extracting(LockState.Holder::agent).containsExactly("bob");
      assertThat(afterFirst.queue()).extracting(LockState.Waiter::agent).containsExactly("carol");
      assertThat(second.grants()).hasSize(1);
      assertThat(second.grants().get(0).commandId()).isEqualTo(id(carol));
      assertThat(second.grants().get(0).token()).isEqualTo(3L);
    }

    @Test
    void shouldGrantCompatibleWaitersAtTheHeadTogether() {
      // given
      granted(exclusive("alice", FILE));
      queued(waiting("bob", FILE, "COLLABORATIVE", 30_000));
      queued(waiting("carol", FILE, "COLLABORATIVE", 30_000));
      ObjectNode dave = waiting("dave", FILE, "EXCLUSIVE", 30_000);
      queued(dave);

      // when
      Reply reply = app.send(release("alice", FILE));

      // then
      assertThat(reply.grants().get(1).holders()).containsExactly("bob", "carol");
      assertThat(reply.grants()).extracting(Outcome::token).containsExactly(2L, 3L);
      assertThat(reply.types())
          .containsExactly(EventType.LOCK_RELEASED, EventType.LOCK_GRANTED, EventType.LOCK_GRANTED);
      assertThat(app.lock(FILE_KEY).queue())
          .extracting(LockState.Waiter::requestId)
          .containsExactly(id(dave));

      // when: one shared holder leaves, the other still holds; then the last leaves
      Reply bobLeaves = app.send(release("bob", FILE));
      Reply carolLeaves = app.send(release("carol", FILE));

      // then
      assertThat(bobLeaves.grants()).isEmpty();
      assertThat(carolLeaves.grants()).extracting(Outcome::commandId).containsExactly(id(dave));
      assertThat(carolLeaves.grants().get(0).token()).isEqualTo(4L);
    }

    @Test
    void shouldGrantExclusiveWaitersInArrivalOrder() {
      // given
      granted(exclusive("alice", FILE));
      ObjectNode bob = waiting("bob", FILE, "EXCLUSIVE", 30_000);
      ObjectNode carol = waiting("carol", FILE, "EXCLUSIVE", 30_000);
      assertThat(queued(bob).position()).isEqualTo(1);
      assertThat(queued(carol).position()).isEqualTo(2);

      // when
      Reply first = app.send(release("alice", FILE));
      Reply second = app.send(release("bob", FILE));

      // then
      assertThat(first.grants()).extracting(Outcome::commandId).containsExactly(id(bob));
      assertThat(second.grants()).extracting(Outcome::commandId).containsExactly(id(carol));
      assertThat(second.grants().get(0).token()).isEqualTo(3L);
    }
  }

  @Nested
  class Leases {

    @Test
    void shouldHandOverToTheNextWaiterWithinOneIntervalOfTheLeaseDeadline() {
      // given
      Outcome alice = granted(acquire("alice", FILE, "EXCLUSIVE", 1_000L, null));
      ObjectNode bob = waiting("bob", FILE, "EXCLUSIVE", 30_000);
      queued(bob);
      Instant deadline = alice.leaseDeadline();

      // when: the clock runs tick by tick until something happens
      Reply handOver = app.tickUntilSomethingHappens(deadline.plus(TICK));

      // then
      assertThat(app.now()).isAfterOrEqualTo(deadline).isBeforeOrEqualTo(deadline.plus(TICK));
      assertThat(handOver.types()).containsExactly(EventType.LOCK_EXPIRED, EventType.LOCK_GRANTED);
      Event expired = handOver.eventValues().get(0);
      assertThat(expired.agent()).isEqualTo("alice");
      assertThat(expired.commandId()).isEqualTo(alice.commandId());
      assertThat(expired.data().path("holders")).isEmpty();
      assertThat(expired.data().path("recentlyExpired").get(0).path("agent").asText())
          .isEqualTo("alice");
      Outcome grant = handOver.outcomeOf(id(bob));
      assertThat(grant.status()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(grant.token()).isEqualTo(2L);
      assertThat(app.lock(FILE_KEY).holders())
          .extracting(LockState.Holder::agent)
          .containsExactly("bob");
    }

    @Test
    void shouldExpireWaitWithExpiredOutcomeAndWaitExpiredEvent() {
      // given
      granted(exclusive("alice", FILE));
      ObjectNode bob = waiting("bob", FILE, "EXCLUSIVE", 500);
      queued(bob);

      // when
      Reply expiry = app.tickUntilSomethingHappens(START.plusMillis(500).plus(TICK));

      // then
      assertThat(app.now()).isAfterOrEqualTo(START.plusMillis(500));
      Outcome o = expiry.outcome();
      assertThat(o.commandId()).isEqualTo(id(bob));
      assertThat(o.status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(o.code()).isEqualTo(OutcomeCode.EXPIRED);
      assertThat(o.message()).contains("waited");
      Event e = expiry.event();
      assertThat(e.type()).isEqualTo(EventType.LOCK_WAIT_EXPIRED);
      assertThat(e.agent()).isEqualTo("bob");
      assertThat(e.commandId()).isEqualTo(id(bob));
      assertThat(app.lock(FILE_KEY).queue()).isEmpty();
      assertThat(app.lock(FILE_KEY).holders()).hasSize(1);

      // and a retry of the request learns it expired
      Outcome retry = app.send(bob).outcome();
      assertThat(retry.status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(retry.originalStatus()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(retry.code()).isEqualTo(OutcomeCode.EXPIRED);
    }

    @Test
    void shouldKeepRenewedLeaseAliveAtTheOldDeadline() {
      // given
      granted(acquire("alice", FILE, "EXCLUSIVE", 1_000L, null));
      app.advance(Duration.ofMillis(600));

      // when
      Reply renewed = app.send(renew("alice", FILE, 1_000L));

      // then
      Outcome o = renewed.outcome();
      assertThat(o.status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(o.code()).isEqualTo(OutcomeCode.OK);
      assertThat(o.token()).isEqualTo(1L);
      assertThat(o.leaseDeadline()).isEqualTo(START.plusMillis(1_600));
      assertThat(renewed.event().type()).isEqualTo(EventType.LOCK_RENEWED);

      // when: well past the old deadline
      Reply quiet = app.advance(Duration.ofMillis(800));

      // then
      assertThat(app.now()).isAfter(START.plusMillis(1_000).plus(TICK));
      assertThat(quiet.events()).isEmpty();
      assertThat(app.lock(FILE_KEY).holders()).hasSize(1);

      // and it still ends at the new deadline
      Reply expiry = app.tickUntilSomethingHappens(START.plusMillis(1_600).plus(TICK));
      assertThat(expiry.types()).containsExactly(EventType.LOCK_EXPIRED);
    }

    @Test
    void shouldKeepTheLeaseLengthWhenRenewNamesNone() {
      // given
      granted(acquire("alice", FILE, "EXCLUSIVE", 2_000L, null));
      app.advance(Duration.ofMillis(400));

      // when
      Outcome o = app.send(renew("alice", FILE, null)).outcome();

      // then
      assertThat(o.leaseDeadline()).isEqualTo(app.now().plusMillis(2_000));
    }

    @Test
    void shouldRejectRenewAndReleaseByNonHolderWithNotHolder() {
      // given
      granted(exclusive("alice", FILE));

      // when
      Reply renew = app.send(renew("bob", FILE, null));
      Reply release = app.send(release("bob", FILE));

      // then
      for (Reply reply : List.of(renew, release)) {
        assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.NOT_HOLDER);
        assertThat(reply.outcome().message()).contains("bob").contains("alice");
        assertThat(reply.events()).isEmpty();
      }
      assertThat(app.lock(FILE_KEY).version()).isEqualTo(1L);
      assertThat(app.lock(FILE_KEY).holders())
          .extracting(LockState.Holder::agent)
          .containsExactly("alice");
    }

    @Test
    void shouldAnswerRenewAndReleaseAfterExpiryWithExpired() {
      // given
      granted(acquire("alice", FILE, "EXCLUSIVE", 1_000L, null));
      Reply expiry = app.tickUntilSomethingHappens(START.plusMillis(1_000).plus(TICK));
      assertThat(expiry.types()).containsExactly(EventType.LOCK_EXPIRED);

      // when
      Reply renew = app.send(renew("alice", FILE, null));
      Reply release = app.send(release("alice", FILE));

      // then
      assertThat(renew.outcome().code()).isEqualTo(OutcomeCode.EXPIRED);
      assertThat(renew.outcome().message()).contains("expired");
      assertThat(release.outcome().code()).isEqualTo(OutcomeCode.EXPIRED);
      assertThat(renew.events()).isEmpty();
      assertThat(release.events()).isEmpty();
    }

    @Test
    void shouldAnswerReleaseOrRenewOfUnknownLockWithNotFoundAndChangeNothing() {
      // when
      Reply release = app.send(release("alice", "src/Nobody.java"));
      Reply renew = app.send(renew("alice", "src/Nobody.java", null));

      // then
      for (Reply reply : List.of(release, renew)) {
        assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.NOT_FOUND);
        assertThat(reply.outcome().message()).contains("default/lock/src/Nobody.java");
        assertThat(reply.events()).isEmpty();
      }
      assertThat(app.lock("default/lock/src/Nobody.java")).isNull();
    }
  }

  @Nested
  class Restore {

    @Test
    void shouldLeaveNoLeaseOrWaitEntryWhenARestoreFreesAHeldLock() {
      // given: alice holds the lock, bob and carol wait
      granted(collaborative("alice", FILE));
      queued(waiting("bob", FILE, "EXCLUSIVE", 30_000));
      queued(waiting("carol", FILE, "COLLABORATIVE", 30_000));
      assertThat(app.deadlines(LockDeadlines.LEASE)).hasSize(1);
      assertThat(app.deadlines(LockDeadlines.WAIT)).hasSize(2);

      // when
      Reply reply = app.send(FILE_KEY, restoreLock(LockState.empty("default", FILE, FILE_KEY)));

      // then
      assertThat(reply.events())
          .extracting(kv -> kv.value.type())
          .contains(EventType.STATE_RESTORED);
      assertThat(app.lock(FILE_KEY).holders()).isEmpty();
      assertThat(app.deadlines(LockDeadlines.LEASE)).isEmpty();
      assertThat(app.deadlines(LockDeadlines.WAIT)).isEmpty();
      // and nothing comes due for them later
      assertThat(app.advance(Duration.ofMillis(MAX_WAIT_MS)).events()).isEmpty();
    }
  }

  static ObjectNode restoreLock(LockState lock) {
    ObjectNode cmd = envelope("state.restore", "baton-admin");
    cmd.putObject("body").put("checkpoint", "c-1").set("lock", Json.mapper().valueToTree(lock));
    return cmd;
  }

  @Nested
  class Cancel {

    @Test
    void shouldTakeCancelledRequestOutOfTheQueueAndTellTheRequest() {
      // given
      granted(exclusive("alice", FILE));
      ObjectNode bob = withReplyTo(waiting("bob", FILE, "EXCLUSIVE", 30_000), 2);
      queued(bob);

      // when
      ObjectNode cancel = cancel("bob", FILE);
      Reply reply = app.send(cancel);

      // then
      assertThat(reply.outcomes()).hasSize(2);
      Outcome cancelled = reply.outcomeOf(id(cancel));
      assertThat(cancelled.status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(cancelled.code()).isEqualTo(OutcomeCode.OK);
      Outcome request = reply.outcomeOf(id(bob));
      assertThat(request.status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(request.code()).isEqualTo(OutcomeCode.CANCELLED);
      assertThat(reply.event().type()).isEqualTo(EventType.LOCK_CANCELLED);
      assertThat(reply.event().data().path("queue")).isEmpty();
      assertThat(app.lock(FILE_KEY).queue()).isEmpty();

      // and a retry of the request hears it was cancelled; alice's release grants nobody
      Outcome retry = app.send(bob).outcome();
      assertThat(retry.status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(retry.code()).isEqualTo(OutcomeCode.CANCELLED);
      Reply release = app.send(release("alice", FILE));
      assertThat(release.grants()).isEmpty();
      assertThat(app.lock(FILE_KEY).holders()).isEmpty();
    }

    @Test
    void shouldGrantCompatibleWaitersWhenTheBlockingHeadCancels() {
      // given
      granted(collaborative("alice", FILE));
      queued(waiting("bob", FILE, "EXCLUSIVE", 30_000));
      ObjectNode carol = waiting("carol", FILE, "COLLABORATIVE", 30_000);
      queued(carol);

      // when
      Reply reply = app.send(cancel("bob", FILE));

      // then
      assertThat(reply.grants()).extracting(Outcome::commandId).containsExactly(id(carol));
      assertThat(reply.grants().get(0).holders()).containsExactly("alice", "carol");
      assertThat(reply.types()).containsExactly(EventType.LOCK_CANCELLED, EventType.LOCK_GRANTED);
    }

    @Test
    void shouldAnswerCancelWithoutQueuedRequestWithNotFound() {
      // given
      granted(exclusive("alice", FILE));

      // when
      Reply reply = app.send(cancel("bob", FILE));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.NOT_FOUND);
      assertThat(reply.events()).isEmpty();
    }
  }

  @Nested
  class TaskLocks {

    @BeforeEach
    void givenTask() {
      accepted(createTask("alice", T1));
    }

    @Test
    void shouldKeepTheLockOfATaskUnderTheTaskKey() {
      // when
      Reply reply = app.send(exclusive("alice", TASK_RESOURCE));

      // then
      assertThat(reply.outcome().key()).isEqualTo(TASK_KEY);
      assertThat(reply.event().key()).isEqualTo(TASK_KEY);
      assertThat(app.lock(TASK_KEY).resource()).isEqualTo(TASK_RESOURCE);
    }

    @Test
    void shouldFenceStaleTokenAndAcceptCurrentOne() {
      // given
      Outcome first = granted(exclusive("alice", TASK_RESOURCE));
      accepted(release("alice", TASK_RESOURCE));
      Outcome second = granted(exclusive("bob", TASK_RESOURCE));
      assertThat(first.token()).isEqualTo(1L);
      assertThat(second.token()).isEqualTo(2L);

      // when
      Reply stale = app.send(withFence(updateTask("alice", T1, "late write"), TASK_RESOURCE, 1));
      Reply staleOfHolder =
          app.send(withFence(updateTask("bob", T1, "old token"), TASK_RESOURCE, 1));
      Reply current = app.send(withFence(updateTask("bob", T1, "fenced write"), TASK_RESOURCE, 2));

      // then
      for (Reply reply : List.of(stale, staleOfHolder)) {
        assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.FENCED);
        assertThat(reply.outcome().message())
            .contains("fencing token 1")
            .contains("newest token 2");
        assertThat(reply.outcome().version()).isEqualTo(1L);
        assertThat(reply.events()).isEmpty();
      }
      assertThat(current.outcome().status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(current.outcome().version()).isEqualTo(2L);
      assertThat(current.event().type()).isEqualTo(EventType.TASK_UPDATED);
      assertThat(app.task(TASK_KEY).title()).isEqualTo("fenced write");
    }

    @Test
    void shouldAcceptTheTokenOfEveryLiveCollaborativeHolder() {
      // given: alice's token 1 is older than bob's 2, but both grants live
      granted(collaborative("alice", TASK_RESOURCE));
      granted(collaborative("bob", TASK_RESOURCE));

      // when
      Reply alice = app.send(withFence(updateTask("alice", T1, "alice's"), TASK_RESOURCE, 1));
      Reply bobWithAlicesToken =
          app.send(withFence(updateTask("bob", T1, "bob's"), TASK_RESOURCE, 1));

      // then
      assertThat(alice.outcome().status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(bobWithAlicesToken.outcome().code()).isEqualTo(OutcomeCode.FENCED);
    }

    @Test
    void shouldFenceTokenOfAReleasedGrant() {
      // given
      granted(exclusive("alice", TASK_RESOURCE));
      accepted(release("alice", TASK_RESOURCE));

      // when
      Reply reply = app.send(withFence(updateTask("alice", T1, "after release"), TASK_RESOURCE, 1));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.FENCED);
      assertThat(reply.outcome().message()).contains("not held by alice");
    }

    @Test
    void shouldRejectWritesOfOthersWhileTheTaskIsExclusivelyLocked() {
      // given
      granted(exclusive("alice", TASK_RESOURCE));

      // when
      Reply bobUpdate = app.send(updateTask("bob", T1, "bob's title"));
      Reply bobClaim = app.send(claimTask("bob", T1));
      Reply aliceUpdate = app.send(updateTask("alice", T1, "alice's title"));

      // then
      for (Reply reply : List.of(bobUpdate, bobClaim)) {
        assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.LOCKED);
        assertThat(reply.outcome().message()).contains("alice").contains("token 1");
        assertThat(reply.events()).isEmpty();
      }
      assertThat(aliceUpdate.outcome().status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(app.task(TASK_KEY).title()).isEqualTo("alice's title");

      // and once alice lets go, bob may write
      accepted(release("alice", TASK_RESOURCE));
      assertThat(app.send(updateTask("bob", T1, "bob's title")).outcome().status())
          .isEqualTo(OutcomeStatus.ACCEPTED);
    }

    @Test
    void shouldLetOthersWriteUnderACollaborativeLock() {
      // given
      granted(collaborative("alice", TASK_RESOURCE));

      // when
      Reply reply = app.send(updateTask("bob", T1, "shared work"));

      // then
      assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.ACCEPTED);
    }

    @Test
    void shouldRejectFenceOfAnotherResourceAsInvalid() {
      // given
      granted(exclusive("alice", FILE));

      // when
      Reply reply = app.send(withFence(updateTask("alice", T1, "x"), FILE, 1));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.outcome().message()).contains("src/A.java").contains("task/T1");
      assertThat(app.task(TASK_KEY).version()).isEqualTo(1L);
    }
  }

  /**
   * A fenced task write with {@code "release": true}: the write and the release of its fenced grant
   * in one command, as if its holder had sent {@code lock.release} right after.
   */
  @Nested
  class WriteAndRelease {
    /** Kinds of deadline index entries: lock leases and queued requests' waits. */
    static final String LEASES = "lease";

    static final String WAITS = "wait";

    @BeforeEach
    void givenTask() {
      accepted(createTask("alice", T1));
    }

    @Test
    void shouldReleaseWithAnAcceptedWriteAndGrantTheNextWaitersInOrder() {
      // given
      granted(exclusive("alice", TASK_RESOURCE));
      ObjectNode bob = withReplyTo(waiting("bob", TASK_RESOURCE, "EXCLUSIVE", 30_000), 3);
      ObjectNode carol = withReplyTo(waiting("carol", TASK_RESOURCE, "EXCLUSIVE", 30_000), 5);
      queued(bob);
      queued(carol);
      long lockVersion = app.lock(TASK_KEY).version();
      ObjectNode write = releasing(withFence(updateTask("alice", T1, "alice's"), TASK_RESOURCE, 1));

      // when
      Reply reply = app.send(write);

      // then: one outcome for the write, then bob's deferred grant
      assertThat(reply.outcomes()).extracting(kv -> kv.key).containsExactly(id(write), id(bob));
      Outcome written = reply.outcomeOf(id(write));
      assertThat(written.status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(written.code()).isEqualTo(OutcomeCode.OK);
      assertThat(written.commandType()).isEqualTo(CommandType.TASK_UPDATE);
      assertThat(written.version()).isEqualTo(2L);
      assertThat(written.state().path("title").asText()).isEqualTo("alice's");
      assertThat(written.message()).isEqualTo("ok; released lock task/T1 (token 1)");
      Outcome grant = reply.outcomeOf(id(bob));
      assertThat(grant.status()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(grant.token()).isEqualTo(2L);
      assertThat(grant.holders()).containsExactly("bob");
      // and the task event, then the release, then the grant, each version one up
      assertThat(reply.types())
          .containsExactly(EventType.TASK_UPDATED, EventType.LOCK_RELEASED, EventType.LOCK_GRANTED);
      List<Event> events = reply.eventValues();
      assertThat(events).extracting(Event::key).containsOnly(TASK_KEY);
      assertThat(events.get(0).version()).isEqualTo(2L);
      assertThat(events.get(1).version()).isEqualTo(lockVersion + 1);
      assertThat(events.get(2).version()).isEqualTo(lockVersion + 2);
      assertThat(events.get(1).agent()).isEqualTo("alice");
      assertThat(events.get(1).commandId()).isEqualTo(id(write));
      assertThat(events.get(1).id()).isEqualTo(id(write) + ":1");
      assertThat(events.get(2).agent()).isEqualTo("bob");
      assertThat(events.get(2).commandId()).isEqualTo(id(bob));
      LockState lock = app.lock(TASK_KEY);
      assertThat(lock.holders()).extracting(LockState.Holder::agent).containsExactly("bob");
      assertThat(lock.queue()).extracting(LockState.Waiter::agent).containsExactly("carol");
      assertThat(app.task(TASK_KEY).title()).isEqualTo("alice's");
      // and only live grants and waits are left in the deadline index
      assertThat(app.deadlines(LEASES)).containsExactly("2|" + TASK_KEY);
      assertThat(app.deadlines(WAITS)).containsExactly(id(carol) + "|" + TASK_KEY);

      // when: bob hands on the same way
      ObjectNode bobsWrite =
          releasing(withFence(updateTask("bob", T1, "bob's"), TASK_RESOURCE, grant.token()));
      Reply next = app.send(bobsWrite);

      // then: carol gets the next, higher token
      assertThat(next.outcomeOf(id(bobsWrite)).status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(next.outcomeOf(id(carol)).token()).isEqualTo(3L);
      assertThat(app.lock(TASK_KEY).holders())
          .extracting(LockState.Holder::agent)
          .containsExactly("carol");
      assertThat(app.lock(TASK_KEY).queue()).isEmpty();
      assertThat(app.deadlines(WAITS)).isEmpty();
    }

    static Stream<Arguments> writes() {
      return Stream.of(
          Arguments.of("update", updateTask("alice", T1, "done it"), EventType.TASK_UPDATED, "ok"),
          Arguments.of(
              "transition",
              transitionTask("alice", T1, "IN_PROGRESS"),
              EventType.TASK_STATUS_CHANGED,
              "ok"),
          Arguments.of("claim", claimTask("alice", T1), EventType.TASK_CLAIMED, "ok"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void shouldReleaseWithEveryKindOfTaskWrite(
        String name, ObjectNode command, EventType taskEvent, String message) {
      // given
      granted(exclusive("alice", TASK_RESOURCE));

      // when
      Reply reply = app.send(releasing(withFence(command, TASK_RESOURCE, 1)));

      // then
      assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(reply.outcome().message()).startsWith(message + "; released lock task/T1");
      assertThat(reply.types()).containsExactly(taskEvent, EventType.LOCK_RELEASED);
      assertThat(app.lock(TASK_KEY).holders()).isEmpty();
      assertThat(app.lock(TASK_KEY).lastToken()).isEqualTo(1L);
      assertThat(app.deadlines(LEASES)).isEmpty();
    }

    @Test
    void shouldReleaseWithAWriteAcceptedWithoutChange() {
      // given: alice already has the task
      accepted(claimTask("alice", T1));
      granted(exclusive("alice", TASK_RESOURCE));

      // when
      Reply reply = app.send(releasing(withFence(claimTask("alice", T1), TASK_RESOURCE, 1)));

      // then: no task event, but the lock is released
      assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(reply.outcome().version()).isEqualTo(2L);
      assertThat(reply.outcome().message()).endsWith("; released lock task/T1 (token 1)");
      assertThat(reply.types()).containsExactly(EventType.LOCK_RELEASED);
      assertThat(app.lock(TASK_KEY).holders()).isEmpty();
    }

    static Stream<Arguments> rejectedWrites() {
      return Stream.of(
          Arguments.of(
              "stale fence",
              releasing(withFence(updateTask("alice", T1, "late"), TASK_RESOURCE, 1)),
              OutcomeCode.FENCED),
          Arguments.of(
              "version conflict",
              releasing(
                  withFence(
                      withExpectedVersion(updateTask("alice", T1, "stale"), 1), TASK_RESOURCE, 2)),
              OutcomeCode.VERSION_CONFLICT),
          Arguments.of(
              "invalid transition",
              releasing(withFence(transitionTask("alice", T1, "REVIEW"), TASK_RESOURCE, 2)),
              OutcomeCode.INVALID_TRANSITION),
          Arguments.of(
              "already claimed",
              releasing(withFence(claimTask("alice", T1), TASK_RESOURCE, 2)),
              OutcomeCode.ALREADY_CLAIMED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedWrites")
    void shouldReleaseNothingWhenTheWriteIsRejected(
        String name, ObjectNode write, OutcomeCode code) {
      // given: alice holds token 2 (her token 1 is released), the task is at version 3 and
      // claimed by zoe, bob waits
      accepted(updateTask("zoe", T1, "zoe's"));
      accepted(claimTask("zoe", T1));
      granted(exclusive("alice", TASK_RESOURCE));
      accepted(release("alice", TASK_RESOURCE));
      granted(exclusive("alice", TASK_RESOURCE));
      queued(waiting("bob", TASK_RESOURCE, "EXCLUSIVE", 30_000));
      LockState before = app.lock(TASK_KEY);
      Task taskBefore = app.task(TASK_KEY);

      // when
      Reply reply = app.send(write);

      // then
      assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(reply.outcome().code()).isEqualTo(code);
      assertThat(reply.events()).isEmpty();
      assertThat(app.lock(TASK_KEY)).isEqualTo(before);
      assertThat(app.task(TASK_KEY)).isEqualTo(taskBefore);
      assertThat(app.deadlines(LEASES)).containsExactly("2|" + TASK_KEY);
    }

    static Stream<Arguments> invalidReleases() {
      return Stream.of(
          Arguments.of(
              "release without a fence",
              releasing(updateTask("alice", T1, "x")),
              "release needs a fence: task.update of task T1"),
          Arguments.of(
              "release of the wrong type",
              withBody(
                  withFence(updateTask("alice", T1, "x"), TASK_RESOURCE, 1), "release", "true"),
              "release"),
          Arguments.of(
              "misspelt release",
              withBody(
                  withFence(updateTask("alice", T1, "x"), TASK_RESOURCE, 1), "releaseLock", true),
              "unknown field 'releaseLock'"),
          Arguments.of(
              "release of a lock on another resource",
              releasing(withFence(updateTask("alice", T1, "x"), FILE, 1)),
              "is not this task's lock"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidReleases")
    void shouldRejectAnInvalidReleaseAndChangeNothing(
        String name, ObjectNode write, String message) {
      // given
      granted(exclusive("alice", TASK_RESOURCE));
      granted(exclusive("alice", FILE));
      LockState before = app.lock(TASK_KEY);

      // when
      Reply reply = app.send(write);

      // then
      assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.outcome().message()).contains(message);
      assertThat(reply.events()).isEmpty();
      assertThat(app.lock(TASK_KEY)).isEqualTo(before);
      assertThat(app.task(TASK_KEY).version()).isEqualTo(1L);
    }

    @Test
    void shouldAnswerARetriedWriteAndReleaseWithItsFirstOutcomeAndReleaseOnce() {
      // given: alice wrote and released, bob got the lock
      granted(exclusive("alice", TASK_RESOURCE));
      ObjectNode bob = waiting("bob", TASK_RESOURCE, "EXCLUSIVE", 30_000);
      queued(bob);
      ObjectNode write = releasing(withFence(updateTask("alice", T1, "alice's"), TASK_RESOURCE, 1));
      Outcome first = app.send(write).outcomeOf(id(write));
      LockState afterFirst = app.lock(TASK_KEY);

      // when
      Reply retry = app.send(write);

      // then
      Outcome o = retry.outcome();
      assertThat(o.status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(o.originalStatus()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(o.message()).isEqualTo(first.message());
      assertThat(o.version()).isEqualTo(first.version());
      assertThat(retry.events()).isEmpty();
      assertThat(app.lock(TASK_KEY)).isEqualTo(afterFirst);
      assertThat(afterFirst.holders()).extracting(LockState.Holder::agent).containsExactly("bob");
      assertThat(app.task(TASK_KEY).version()).isEqualTo(2L);
    }

    @Test
    void shouldLeaveTheOtherCollaborativeHoldersWhenOneWritesAndReleases() {
      // given: alice and bob share the lock; carol waits for it alone, dave to share it after her
      granted(collaborative("alice", TASK_RESOURCE));
      granted(collaborative("bob", TASK_RESOURCE));
      ObjectNode carol = waiting("carol", TASK_RESOURCE, "EXCLUSIVE", 30_000);
      ObjectNode dave = waiting("dave", TASK_RESOURCE, "COLLABORATIVE", 30_000);
      queued(carol);
      queued(dave);

      // when
      ObjectNode alicesWrite =
          releasing(
              withFence(
                  withExpectedVersion(updateTask("alice", T1, "alice's"), 1), TASK_RESOURCE, 1));
      Reply alices = app.send(alicesWrite);

      // then: only alice leaves; carol still waits for bob
      assertThat(alices.outcome().status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(alices.types()).containsExactly(EventType.TASK_UPDATED, EventType.LOCK_RELEASED);
      LockState lock = app.lock(TASK_KEY);
      assertThat(lock.holders()).extracting(LockState.Holder::agent).containsExactly("bob");
      assertThat(lock.queue()).extracting(LockState.Waiter::agent).containsExactly("carol", "dave");
      assertThat(app.deadlines(LEASES)).containsExactly("2|" + TASK_KEY);

      // when: bob's write is stale, then rebased
      ObjectNode stale =
          releasing(
              withFence(withExpectedVersion(updateTask("bob", T1, "bob's"), 1), TASK_RESOURCE, 2));
      Reply conflict = app.send(stale);
      ObjectNode rebased =
          releasing(
              withFence(withExpectedVersion(updateTask("bob", T1, "bob's"), 2), TASK_RESOURCE, 2));
      Reply bobs = app.send(rebased);

      // then: the conflict kept bob's grant; the rebased write released it and carol alone goes
      assertThat(conflict.outcome().code()).isEqualTo(OutcomeCode.VERSION_CONFLICT);
      assertThat(conflict.events()).isEmpty();
      assertThat(bobs.outcomeOf(id(rebased)).status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(bobs.outcomeOf(id(carol)).token()).isEqualTo(3L);
      assertThat(bobs.types())
          .containsExactly(EventType.TASK_UPDATED, EventType.LOCK_RELEASED, EventType.LOCK_GRANTED);
      assertThat(app.lock(TASK_KEY).holders())
          .extracting(LockState.Holder::agent)
          .containsExactly("carol");
      assertThat(app.lock(TASK_KEY).queue())
          .extracting(LockState.Waiter::agent)
          .containsExactly("dave");
    }

    @Test
    void shouldRouteTheWritesOutcomeAndTheDeferredGrantsToTheirOwnReplyPartitions() {
      // given
      ProcessorUnderTest processor = new ProcessorUnderTest();
      processor.send(createTask("alice", T1));
      processor.send(withReplyTo(exclusive("alice", TASK_RESOURCE), 1));
      ObjectNode bob = withReplyTo(waiting("bob", TASK_RESOURCE, "EXCLUSIVE", 30_000), 4);
      processor.send(bob);

      // when
      List<RoutedOutcome> routed =
          processor.send(
              withReplyTo(releasing(withFence(updateTask("alice", T1, "x"), TASK_RESOURCE, 1)), 2));

      // then
      assertThat(routed).hasSize(2);
      assertThat(routed.get(0).outcome().commandType()).isEqualTo(CommandType.TASK_UPDATE);
      assertThat(routed.get(0).replyTo()).isEqualTo(new ReplyTo(2));
      assertThat(routed.get(1).outcome().commandId()).isEqualTo(id(bob));
      assertThat(routed.get(1).outcome().status()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(routed.get(1).replyTo()).isEqualTo(new ReplyTo(4));
    }
  }

  @Nested
  class Duplicates {

    @Test
    void shouldAnswerRetriedAcquireWithItsFirstOutcome() {
      // given
      ObjectNode command = exclusive("alice", FILE);
      granted(command);

      // when
      Reply retry = app.send(command);

      // then
      Outcome o = retry.outcome();
      assertThat(o.status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(o.originalStatus()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(o.isSuccess()).isTrue();
      assertThat(o.token()).isEqualTo(1L);
      assertThat(retry.events()).isEmpty();
      assertThat(app.lock(FILE_KEY).lastToken()).isEqualTo(1L);
      assertThat(app.lock(FILE_KEY).version()).isEqualTo(1L);
    }

    @Test
    void shouldAnswerRetryOfQueuedThenGrantedRequestWithTheGrant() {
      // given
      granted(exclusive("alice", FILE));
      ObjectNode bob = waiting("bob", FILE, "EXCLUSIVE", 30_000);
      queued(bob);
      Outcome stillQueued = app.send(bob).outcome();
      accepted(release("alice", FILE));

      // when
      Reply retry = app.send(bob);

      // then
      assertThat(stillQueued.status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(stillQueued.originalStatus()).isEqualTo(OutcomeStatus.QUEUED);
      Outcome o = retry.outcome();
      assertThat(o.commandId()).isEqualTo(id(bob));
      assertThat(o.status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(o.originalStatus()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(o.code()).isEqualTo(OutcomeCode.OK);
      assertThat(o.token()).isEqualTo(2L);
      assertThat(retry.events()).isEmpty();
      assertThat(app.lock(FILE_KEY).holders()).hasSize(1);
    }

    @Test
    void shouldRepeatARejectionRatherThanDecideAgain() {
      // given
      granted(exclusive("alice", FILE));
      ObjectNode bob = acquire("bob", FILE, "EXCLUSIVE", LEASE_MS, 0L);
      assertThat(app.send(bob).outcome().code()).isEqualTo(OutcomeCode.LOCKED);
      accepted(release("alice", FILE));

      // when
      Reply retry = app.send(bob);

      // then
      assertThat(retry.outcome().status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(retry.outcome().code()).isEqualTo(OutcomeCode.LOCKED);
      assertThat(retry.events()).isEmpty();
      assertThat(app.lock(FILE_KEY).holders()).isEmpty();
    }
  }

  @Nested
  class Restart {

    @Test
    void shouldKeepTokensRisingAcrossRestarts() {
      // given
      granted(exclusive("alice", FILE));
      accepted(release("alice", FILE));

      // when
      app.restart();
      Outcome second = granted(exclusive("bob", FILE));
      accepted(release("bob", FILE));
      app.restart();
      Outcome third = granted(collaborative("carol", FILE));

      // then
      assertThat(second.token()).isEqualTo(2L);
      assertThat(third.token()).isEqualTo(3L);
      assertThat(app.lock(FILE_KEY).lastToken()).isEqualTo(3L);
    }

    @Test
    void shouldKeepHoldersWaitersAndLeasesAcrossRestart() {
      // given
      Outcome alice = granted(acquire("alice", FILE, "EXCLUSIVE", 1_000L, null));
      ObjectNode bob = waiting("bob", FILE, "EXCLUSIVE", 30_000);
      queued(bob);

      // when
      app.restart();
      Outcome carol = app.send(acquire("carol", FILE, "EXCLUSIVE", LEASE_MS, 0L)).outcome();
      Outcome retry = app.send(bob).outcome();
      Reply handOver = app.tickUntilSomethingHappens(alice.leaseDeadline().plus(TICK));

      // then
      assertThat(carol.code()).isEqualTo(OutcomeCode.LOCKED);
      assertThat(retry.originalStatus()).isEqualTo(OutcomeStatus.QUEUED);
      assertThat(handOver.types()).containsExactly(EventType.LOCK_EXPIRED, EventType.LOCK_GRANTED);
      assertThat(handOver.outcomeOf(id(bob)).token()).isEqualTo(2L);
    }
  }

  @Nested
  class BadInput {

    static Stream<Arguments> invalidAcquires() {
      String tooLong = "d/" + "x".repeat(1023);
      return Stream.of(
          Arguments.of(
              "lease 0",
              FILE,
              "\"EXCLUSIVE\"",
              0L,
              null,
              "lease 0 ms for lock default/lock/src/A.java must be > 0"),
          Arguments.of("negative lease", FILE, "\"EXCLUSIVE\"", -5L, null, "must be > 0"),
          Arguments.of(
              "lease above the maximum",
              FILE,
              "\"EXCLUSIVE\"",
              MAX_LEASE_MS + 1,
              null,
              "lease 60001 ms for lock default/lock/src/A.java exceeds the maximum of 60000 ms"),
          Arguments.of("unknown mode", FILE, "\"SHARED\"", LEASE_MS, null, "mode"),
          Arguments.of("mode of the wrong type", FILE, "1", LEASE_MS, null, "mode"),
          Arguments.of("no mode", FILE, null, LEASE_MS, null, "mode is missing"),
          Arguments.of(
              "empty resource", "", "\"EXCLUSIVE\"", LEASE_MS, null, "resource must not be empty"),
          Arguments.of(
              "oversized resource",
              tooLong,
              "\"EXCLUSIVE\"",
              LEASE_MS,
              null,
              "resource is 1025 characters long, the limit is 1024"),
          Arguments.of(
              "resource with ..",
              "src/../etc/passwd",
              "\"EXCLUSIVE\"",
              LEASE_MS,
              null,
              "'..' path segment"),
          Arguments.of(
              "absolute resource",
              "/etc/passwd",
              "\"EXCLUSIVE\"",
              LEASE_MS,
              null,
              "must be relative"),
          Arguments.of(
              "negative wait", FILE, "\"EXCLUSIVE\"", LEASE_MS, -1L, "waitMs must be >= 0, got -1"),
          Arguments.of(
              "wait above the maximum",
              FILE,
              "\"EXCLUSIVE\"",
              LEASE_MS,
              MAX_WAIT_MS + 1,
              "exceeds the maximum of 120000 ms"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidAcquires")
    void shouldRejectInvalidAcquireWithClearMessageAndNoStateChange(
        String name, String resource, String modeJson, Long leaseMs, Long waitMs, String message) {
      // given
      ObjectNode command = acquire("alice", resource, "EXCLUSIVE", leaseMs, waitMs);
      ObjectNode body = (ObjectNode) command.get("body");
      if (modeJson == null) {
        body.remove("mode");
      } else {
        body.set("mode", Json.mapper().valueToTree(parse(modeJson)));
      }
      String key = AggregateKeys.lock("default", resource);

      // when
      Reply reply = app.send(key, command);

      // then
      Outcome o = reply.outcome();
      assertThat(o.commandId()).isEqualTo(id(command));
      assertThat(o.status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(o.code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(o.message()).contains(message);
      assertThat(reply.events()).isEmpty();
      assertThat(app.lock(key)).isNull();
      assertThat(app.lock(FILE_KEY)).isNull();
    }

    @Test
    void shouldNameTheBadModeValue() {
      // given
      ObjectNode command = acquire("alice", FILE, "SHARED", LEASE_MS, null);

      // when
      Outcome o = app.send(command).outcome();

      // then
      assertThat(o.code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(o.message()).contains("mode").contains("SHARED");
    }

    @Test
    void shouldLeaveTheLockAsItWasAfterAnInvalidRequest() {
      // given
      granted(exclusive("alice", FILE));

      // when
      Reply reply = app.send(acquire("bob", FILE, "EXCLUSIVE", 0L, 30_000L));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.events()).isEmpty();
      assertThat(app.lock(FILE_KEY).version()).isEqualTo(1L);
      assertThat(app.lock(FILE_KEY).queue()).isEmpty();
      assertThat(app.send(release("alice", FILE)).grants()).isEmpty();
      assertThat(granted(exclusive("bob", FILE)).token()).isEqualTo(2L);
    }

    @ParameterizedTest(name = "lease {0}")
    @ValueSource(longs = {0, MAX_LEASE_MS + 1})
    void shouldRejectRenewWithInvalidLeaseAndKeepTheOldLease(long leaseMs) {
      // given
      Outcome grant = granted(exclusive("alice", FILE));

      // when
      Reply reply = app.send(renew("alice", FILE, leaseMs));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.outcome().message())
          .contains("lease " + leaseMs + " ms for lock " + FILE_KEY);
      assertThat(reply.events()).isEmpty();
      assertThat(app.lock(FILE_KEY).holders().get(0).leaseDeadline())
          .isEqualTo(grant.leaseDeadline());
    }

    @Test
    void shouldAcceptTheLimitsThemselves() {
      // given
      String longest = "d/" + "x".repeat(1022);

      // when
      Outcome atMaxLease = granted(acquire("alice", FILE, "EXCLUSIVE", MAX_LEASE_MS, null));
      Outcome atMaxLength = granted(exclusive("alice", longest));

      // then
      assertThat(atMaxLease.leaseDeadline()).isEqualTo(START.plusMillis(MAX_LEASE_MS));
      assertThat(atMaxLength.key()).isEqualTo("default/lock/" + longest);
    }

    @Test
    void shouldRejectCommandSentUnderAnotherKey() {
      // given
      ObjectNode command = exclusive("alice", FILE);

      // when
      Reply reply = app.send("default/lock/src/B.java", command);

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.outcome().message()).contains("does not match");
      assertThat(app.lock(FILE_KEY)).isNull();
    }

    private JsonNode parse(String json) {
      try {
        return Json.mapper().readTree(json);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Nested
  class History {

    @Test
    void shouldFindNoViolationInABusyScenario() {
      // given: five agents on a file and a task, with sharing, queues, expiries and cancels
      accepted(createTask("alice", T1));
      granted(collaborative("alice", FILE));
      granted(collaborative("bob", FILE));
      queued(waiting("carol", FILE, "EXCLUSIVE", 20_000));
      queued(waiting("dave", FILE, "COLLABORATIVE", 20_000));
      queued(waiting("erin", FILE, "EXCLUSIVE", 1_000));
      granted(acquire("carol", TASK_RESOURCE, "EXCLUSIVE", 1_000L, null));
      queued(waiting("dave", TASK_RESOURCE, "EXCLUSIVE", 20_000));
      accepted(updateTask("carol", T1, "carol's"));
      accepted(release("alice", FILE));
      app.advance(Duration.ofMillis(1_400));
      accepted(cancel("dave", FILE));
      accepted(release("bob", FILE));
      accepted(updateTask("dave", T1, "dave's"));
      app.advance(Duration.ofSeconds(12));
      granted(collaborative("alice", FILE));

      // when
      CheckResult result = app.checkHistory();

      // then
      assertThat(result.ok()).as(result.toString()).isTrue();
      assertThat(result.eventsChecked()).isGreaterThan(15);
      assertThat(app.lock(FILE_KEY).lastToken()).isEqualTo(4L);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42})
    void shouldKeepEveryInvariantUnderARandomWorkload(long seed) {
      // given: five agents acquiring, waiting, renewing, releasing, cancelling and writing
      Random random = new Random(seed);
      List<String> agents = List.of("a1", "a2", "a3", "a4", "a5");
      List<String> resources = List.of(FILE, TASK_RESOURCE);
      Map<String, Long> lastGrantedToken = new HashMap<>();
      accepted(createTask("a1", T1));

      // when
      for (int step = 0; step < 400; step++) {
        String agent = agents.get(random.nextInt(agents.size()));
        String resource = resources.get(random.nextInt(resources.size()));
        ObjectNode command =
            switch (random.nextInt(7)) {
              case 0, 1 ->
                  acquire(
                      agent,
                      resource,
                      random.nextBoolean() ? "EXCLUSIVE" : "COLLABORATIVE",
                      new long[] {300, 1_000, 3_000}[random.nextInt(3)],
                      new long[] {0, 300, 2_000}[random.nextInt(3)]);
              case 2 -> release(agent, resource);
              case 3 -> renew(agent, resource, null);
              case 4 -> cancel(agent, resource);
              case 5 ->
                  withFence(
                      updateTask(agent, T1, "step " + step), TASK_RESOURCE, 1 + random.nextInt(5));
              default -> null;
            };
        Reply reply =
            command == null ? app.advance(TICK.multipliedBy(random.nextInt(4))) : app.send(command);

        // then: every command is answered, nothing fails inside, tokens only rise
        if (command != null) {
          reply.outcomeOf(id(command));
        }
        for (KeyValue<String, Outcome> kv : reply.outcomes()) {
          Outcome o = kv.value;
          assertThat(o.code()).as("%s", o.message()).isNotEqualTo(OutcomeCode.INTERNAL_ERROR);
          if (o.status() == OutcomeStatus.GRANTED && !o.message().startsWith("already held")) {
            long previous = lastGrantedToken.getOrDefault(o.key(), 0L);
            assertThat(o.token()).as("grant on %s", o.key()).isGreaterThan(previous);
            lastGrantedToken.put(o.key(), o.token());
          }
        }
      }

      // then
      CheckResult result = app.checkHistory();
      assertThat(result.ok()).as(result.toString()).isTrue();
      assertThat(lastGrantedToken).containsKeys(FILE_KEY, TASK_KEY);
    }

    @Test
    void shouldFlagAHandMadeSecondExclusiveHolderInARealHistory() {
      // given: a real hand-over, then a forged event that lets alice keep the lock too
      granted(exclusive("alice", FILE));
      queued(waiting("bob", FILE, "EXCLUSIVE", 30_000));
      accepted(release("alice", FILE));
      List<Event> events = new ArrayList<>(app.history());
      Event first = events.get(0);
      Event last = events.get(events.size() - 1);
      ObjectNode forged = last.data().deepCopy();
      forged.withArray("holders").insert(0, first.data().path("holders").get(0));
      forged.put("version", last.version() + 1);
      events.add(
          new Event(
              "forged",
              EventType.LOCK_RENEWED,
              FILE_KEY,
              last.version() + 1,
              "alice",
              "forged",
              last.at(),
              forged));

      // when
      CheckResult result = new HistoryChecker(TICK).check(PositionedEvent.onePartition(events));

      // then
      assertThat(result.ok()).isFalse();
      assertThat(result.violations().get(0).invariant()).isEqualTo(Invariant.SINGLE_EXCLUSIVE);
      assertThat(result.violations().get(0).offset()).isEqualTo(events.size() - 1);
      assertThat(result.firstViolation())
          .contains("partition 0 offset " + (events.size() - 1))
          .contains("alice")
          .contains("bob");
    }

    @Test
    void shouldFlagAHandMadeOvertakingGrantInARealHistory() {
      // given: S1 holds, X waits; a forged event grants S2 past X
      granted(collaborative("alice", FILE));
      queued(waiting("bob", FILE, "EXCLUSIVE", 30_000));
      List<Event> events = new ArrayList<>(app.history());
      Event last = events.get(events.size() - 1);
      ObjectNode forged = last.data().deepCopy();
      ObjectNode carol = forged.withArray("holders").get(0).deepCopy();
      carol.put("agent", "carol").put("requestId", "carol-1").put("token", 2);
      forged.withArray("holders").add(carol);
      forged.put("lastToken", 2).put("version", last.version() + 1);
      events.add(
          new Event(
              "forged",
              EventType.LOCK_GRANTED,
              FILE_KEY,
              last.version() + 1,
              "carol",
              "carol-1",
              last.at(),
              forged));

      // when
      CheckResult result = new HistoryChecker(TICK).check(PositionedEvent.onePartition(events));

      // then
      assertThat(result.of(Invariant.FIFO)).hasSize(1);
      assertThat(result.of(Invariant.FIFO).get(0).message()).contains("carol").contains("bob");
    }
  }

  /**
   * Where outcomes go. The test driver's outcome topic has one partition, so routing is checked on
   * the processor alone: what it forwards to the outcomes sink carries the reply partition.
   */
  @Nested
  class ReplyRouting {

    private final ProcessorUnderTest processor = new ProcessorUnderTest();
    private ObjectNode bob;
    private ObjectNode carol;

    /** alice holds FILE (reply partition 1); bob (4) and carol (5) wait, in that order. */
    private void givenBobAndCarolQueuedBehindAlice(long carolWaitMs) {
      processor.send(withReplyTo(exclusive("alice", FILE), 1));
      bob = withReplyTo(waiting("bob", FILE, "EXCLUSIVE", 30_000), 4);
      processor.send(bob);
      carol = withReplyTo(waiting("carol", FILE, "EXCLUSIVE", carolWaitMs), 5);
      processor.send(carol);
    }

    @Test
    void shouldRouteEveryOutcomeToItsOwnCommandsReplyPartition() {
      // given
      givenBobAndCarolQueuedBehindAlice(30_000);

      // when
      List<RoutedOutcome> released = processor.send(withReplyTo(release("alice", FILE), 1));
      List<RoutedOutcome> expired = processor.punctuateAt(START.plusMillis(LEASE_MS + 1));

      // then
      assertThat(released).hasSize(2);
      assertThat(released.get(0).replyTo()).isEqualTo(new ReplyTo(1));
      assertThat(released.get(1).outcome().commandId()).isEqualTo(id(bob));
      assertThat(released.get(1).outcome().status()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(released.get(1).replyTo()).isEqualTo(new ReplyTo(4));
      assertThat(expired).hasSize(1);
      assertThat(expired.get(0).outcome().commandId()).isEqualTo(id(carol));
      assertThat(expired.get(0).outcome().token()).isEqualTo(3L);
      assertThat(expired.get(0).replyTo()).isEqualTo(new ReplyTo(5));
      assertThat(new OutcomePartitioner().partitions(Topics.OUTCOMES, id(bob), released.get(1), 6))
          .contains(Set.of(4));
    }

    @Test
    void shouldAnswerARetryOfAQueuedRequestWithItsPositionNowAndSendItsGrantThereToo() {
      // given: bob and carol queued behind alice; carol retries from another reply partition
      givenBobAndCarolQueuedBehindAlice(30_000);
      processor.send(withReplyTo(cancel("bob", FILE), 4));

      // when
      List<RoutedOutcome> retry = processor.send(withReplyTo(carol.deepCopy(), 7));
      List<RoutedOutcome> again = processor.send(withReplyTo(carol.deepCopy(), 7));
      List<RoutedOutcome> released = processor.send(withReplyTo(release("alice", FILE), 1));
      List<RoutedOutcome> late = processor.send(withReplyTo(carol.deepCopy(), 9));

      // then: the retry hears where the request stands now (first, bob having left)
      assertThat(retry).hasSize(1);
      assertThat(retry.get(0).replyTo()).isEqualTo(new ReplyTo(7));
      assertThat(retry.get(0).outcome().status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(retry.get(0).outcome().originalStatus()).isEqualTo(OutcomeStatus.QUEUED);
      assertThat(retry.get(0).outcome().position()).isEqualTo(1);
      assertThat(retry.get(0).outcome().lock().queue()).hasSize(1);
      assertThat(again).hasSize(1);
      // and the grant goes to the partition it queued with and, once, to the retry's
      assertThat(released)
          .extracting(RoutedOutcome::replyTo)
          .containsExactly(new ReplyTo(1), new ReplyTo(5), new ReplyTo(7));
      assertThat(released.get(2).outcome()).isEqualTo(released.get(1).outcome());
      assertThat(released.get(2).outcome().status()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(released.get(2).outcome().commandId()).isEqualTo(id(carol));
      // a retry after the grant is answered with it, on its own partition only
      assertThat(late).hasSize(1);
      assertThat(late.get(0).replyTo()).isEqualTo(new ReplyTo(9));
      assertThat(late.get(0).outcome().originalStatus()).isEqualTo(OutcomeStatus.GRANTED);
      assertThat(late.get(0).outcome().token()).isEqualTo(2L);
      assertThat(processor.routes()).isEmpty();
    }

    @Test
    void shouldSendTheWaitExpiryAndTheCancellationOfARetriedRequestToTheRetryToo() {
      // given: two requests queued behind alice, each retried elsewhere (one without replyTo)
      givenBobAndCarolQueuedBehindAlice(1_000);
      ObjectNode bobRetry = bob.deepCopy();
      bobRetry.remove("replyTo");
      processor.send(bobRetry);
      processor.send(withReplyTo(carol.deepCopy(), 8));

      // when
      List<RoutedOutcome> expired = processor.punctuateAt(START.plusMillis(1_000));
      List<RoutedOutcome> cancelled = processor.send(withReplyTo(cancel("bob", FILE), 4));

      // then
      assertThat(expired)
          .extracting(RoutedOutcome::replyTo)
          .containsExactly(new ReplyTo(5), new ReplyTo(8));
      assertThat(expired)
          .allSatisfy(r -> assertThat(r.outcome().code()).isEqualTo(OutcomeCode.EXPIRED));
      assertThat(cancelled).hasSize(3);
      assertThat(cancelled.get(0).outcome().status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(cancelled.subList(1, 3))
          .extracting(RoutedOutcome::replyTo)
          .containsExactly(new ReplyTo(4), null);
      assertThat(cancelled.subList(1, 3))
          .allSatisfy(
              r -> {
                assertThat(r.outcome().commandId()).isEqualTo(id(bob));
                assertThat(r.outcome().code()).isEqualTo(OutcomeCode.CANCELLED);
              });
      assertThat(processor.routes()).isEmpty();
    }

    @Test
    void shouldForgetTheRetryRoutesOfARequestWithItsRememberedCommandId() {
      // given: a wait longer than the dedup retention, retried elsewhere
      ProcessorUnderTest brief =
          new ProcessorUnderTest(Map.of(AppConfig.DEDUP_RETENTION_MS, 10_000));
      brief.send(withReplyTo(exclusive("alice", FILE), 1));
      ObjectNode waiter = withReplyTo(waiting("bob", FILE, "EXCLUSIVE", 60_000), 4);
      brief.send(waiter);
      brief.send(withReplyTo(waiter.deepCopy(), 6));
      assertThat(brief.routes()).containsOnlyKeys(id(waiter));

      // when
      brief.punctuateAt(START.plusMillis(10_001));

      // then
      assertThat(brief.routes()).isEmpty();
    }
  }

  @Nested
  class Regressions {

    @Test
    void shouldExpireTheWaitOfARequestWhoseIdContainsAnAt() {
      // given: '@' is allowed in command ids
      granted(exclusive("alice", FILE));
      ObjectNode bob = waiting("bob", FILE, "EXCLUSIVE", 500);
      bob.put("id", "bob@laptop:42");
      queued(bob);

      // when
      Reply expiry = app.tickUntilSomethingHappens(START.plusMillis(500).plus(TICK));

      // then
      assertThat(expiry.outcomes()).as("the wait-expiry outcome").hasSize(1);
      assertThat(expiry.outcome().code()).isEqualTo(OutcomeCode.EXPIRED);
      assertThat(app.lock(FILE_KEY).queue()).isEmpty();
    }

    @Test
    void shouldNameTheCommandTypeInEveryLockOutcome() {
      // given
      granted(exclusive("alice", FILE));

      // when
      Outcome renew = app.send(renew("alice", FILE, null)).outcome();
      Outcome locked = app.send(acquire("bob", FILE, "EXCLUSIVE", LEASE_MS, 0L)).outcome();
      Outcome release = app.send(release("alice", FILE)).outcome();

      // then
      assertThat(renew.commandType()).isEqualTo(CommandType.LOCK_RENEW);
      assertThat(locked.commandType()).isEqualTo(CommandType.LOCK_ACQUIRE);
      assertThat(release.commandType()).isEqualTo(CommandType.LOCK_RELEASE);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Commands, as raw JSON envelopes

  private static final AtomicInteger IDS = new AtomicInteger();

  static String id(ObjectNode command) {
    return command.get("id").asText();
  }

  static ObjectNode envelope(String type, String agent) {
    ObjectNode cmd = Json.mapper().createObjectNode();
    cmd.put("id", "lock-test-" + IDS.incrementAndGet());
    cmd.put("type", type);
    cmd.put("workspace", "default");
    cmd.put("agent", agent);
    cmd.put("issuedAt", START.toString());
    return cmd;
  }

  static ObjectNode acquire(String agent, String resource, String mode, Long leaseMs, Long waitMs) {
    ObjectNode cmd = envelope("lock.acquire", agent);
    ObjectNode body = cmd.putObject("body");
    body.put("resource", resource);
    body.put("mode", mode);
    if (leaseMs != null) {
      body.put("leaseMs", leaseMs);
    }
    if (waitMs != null) {
      body.put("waitMs", waitMs);
    }
    return cmd;
  }

  static ObjectNode exclusive(String agent, String resource) {
    return acquire(agent, resource, "EXCLUSIVE", LEASE_MS, null);
  }

  static ObjectNode collaborative(String agent, String resource) {
    return acquire(agent, resource, "COLLABORATIVE", LEASE_MS, null);
  }

  static ObjectNode waiting(String agent, String resource, String mode, long waitMs) {
    return acquire(agent, resource, mode, LEASE_MS, waitMs);
  }

  private static ObjectNode lockResource(String type, String agent, String resource, Long leaseMs) {
    ObjectNode cmd = envelope(type, agent);
    ObjectNode body = cmd.putObject("body");
    body.put("resource", resource);
    if (leaseMs != null) {
      body.put("leaseMs", leaseMs);
    }
    return cmd;
  }

  static ObjectNode release(String agent, String resource) {
    return lockResource("lock.release", agent, resource, null);
  }

  static ObjectNode renew(String agent, String resource, Long leaseMs) {
    return lockResource("lock.renew", agent, resource, leaseMs);
  }

  static ObjectNode cancel(String agent, String resource) {
    return lockResource("lock.cancel", agent, resource, null);
  }

  static ObjectNode createTask(String agent, String taskId) {
    ObjectNode cmd = envelope("task.create", agent);
    cmd.putObject("body").put("taskId", taskId).put("title", "Write the parser");
    return cmd;
  }

  static ObjectNode updateTask(String agent, String taskId, String title) {
    ObjectNode cmd = envelope("task.update", agent);
    ObjectNode body = cmd.putObject("body");
    body.put("taskId", taskId);
    body.putObject("patch").put("title", title);
    return cmd;
  }

  static ObjectNode claimTask(String agent, String taskId) {
    ObjectNode cmd = envelope("task.claim", agent);
    cmd.putObject("body").put("taskId", taskId);
    return cmd;
  }

  static ObjectNode transitionTask(String agent, String taskId, String to) {
    ObjectNode cmd = envelope("task.transition", agent);
    cmd.putObject("body").put("taskId", taskId).put("to", to);
    return cmd;
  }

  static ObjectNode withExpectedVersion(ObjectNode cmd, long version) {
    cmd.put("expectedVersion", version);
    return cmd;
  }

  /** Asks the task write {@code cmd} to release its fenced lock ({@code "release": true}). */
  static ObjectNode releasing(ObjectNode cmd) {
    ((ObjectNode) cmd.get("body")).put("release", true);
    return cmd;
  }

  /** Sets {@code field} of the body of {@code cmd} to {@code value}, as JSON. */
  static ObjectNode withBody(ObjectNode cmd, String field, Object value) {
    ((ObjectNode) cmd.get("body")).set(field, Json.mapper().valueToTree(value));
    return cmd;
  }

  static ObjectNode withFence(ObjectNode cmd, String resource, long token) {
    cmd.putObject("fence").put("resource", resource).put("token", token);
    return cmd;
  }

  static ObjectNode withReplyTo(ObjectNode cmd, int partition) {
    cmd.putObject("replyTo").put("partition", partition);
    return cmd;
  }

  /** The aggregate key a command addresses: its lock's or its task's. */
  static String keyOf(ObjectNode cmd) {
    JsonNode body = cmd.path("body");
    return body.has("resource")
        ? AggregateKeys.lock("default", body.path("resource").asText())
        : AggregateKeys.task("default", body.path("taskId").asText());
  }

  // ---------------------------------------------------------------------------------------------
  // The driver

  /** What one piped record or one stretch of wall-clock time produced. */
  record Reply(List<KeyValue<String, Outcome>> outcomes, List<KeyValue<String, Event>> events) {

    Outcome outcome() {
      assertThat(outcomes).as("outcomes").hasSize(1);
      return outcomes.get(0).value;
    }

    Outcome outcomeOf(String commandId) {
      List<Outcome> of =
          outcomes.stream()
              .map(kv -> kv.value)
              .filter(o -> o.commandId().equals(commandId))
              .toList();
      assertThat(of).as("outcomes of %s in %s", commandId, outcomes).hasSize(1);
      return of.get(0);
    }

    /** The GRANTED outcomes, in order. */
    List<Outcome> grants() {
      return outcomes.stream()
          .map(kv -> kv.value)
          .filter(o -> o.status() == OutcomeStatus.GRANTED)
          .toList();
    }

    Event event() {
      assertThat(events).as("events").hasSize(1);
      return events.get(0).value;
    }

    List<Event> eventValues() {
      return events.stream().map(kv -> kv.value).toList();
    }

    List<EventType> types() {
      return events.stream().map(kv -> kv.value.type()).toList();
    }

    boolean isEmpty() {
      return outcomes.isEmpty() && events.isEmpty();
    }

    Reply plus(Reply other) {
      List<KeyValue<String, Outcome>> o = new ArrayList<>(outcomes);
      o.addAll(other.outcomes);
      List<KeyValue<String, Event>> e = new ArrayList<>(events);
      e.addAll(other.events);
      return new Reply(o, e);
    }
  }

  /**
   * The topology in a {@link TopologyTestDriver} on a temporary state directory, with a wall clock
   * that starts at {@link #START} and moves only when a test moves it. Keeps every event it saw,
   * across restarts, for the history check.
   */
  static final class LockApp implements AutoCloseable {
    private static final String APPLICATION_ID = "baton-lock-test";
    private final Path stateDir;
    private final AppConfig config = AppConfig.defaults(OVERRIDES);
    private final List<Event> history = new ArrayList<>();
    private Instant clock = START;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> commands;
    private TestOutputTopic<String, Outcome> outcomes;
    private TestOutputTopic<String, Event> events;

    LockApp(Path stateDir) {
      this.stateDir = stateDir;
      open();
    }

    private void open() {
      linkTaskDirectory();
      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
      driver = new TopologyTestDriver(TopologyFactory.build(config), props, clock);
      commands =
          driver.createInputTopic(
              Topics.COMMANDS, new StringSerializer(), new ByteArraySerializer());
      outcomes =
          driver.createOutputTopic(
              Topics.OUTCOMES, new StringDeserializer(), JsonSerde.of(Outcome.class));
      events =
          driver.createOutputTopic(
              Topics.EVENTS, new StringDeserializer(), JsonSerde.of(Event.class));
    }

    Reply send(ObjectNode command) {
      return send(keyOf(command), command);
    }

    Reply send(String key, ObjectNode command) {
      try {
        commands.pipeInput(key, Json.mapper().writeValueAsBytes(command), clock);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return drain();
    }

    /** Moves the wall clock by {@code by}, one punctuation interval at a time. */
    Reply advance(Duration by) {
      Reply all = new Reply(List.of(), List.of());
      Duration left = by;
      while (!left.isZero()) {
        Duration step = left.compareTo(TICK) < 0 ? left : TICK;
        clock = clock.plus(step);
        driver.advanceWallClockTime(step);
        all = all.plus(drain());
        left = left.minus(step);
      }
      return all;
    }

    /**
     * Moves the clock one interval at a time until a punctuation produces something, and fails if
     * nothing happened by {@code limit}.
     */
    Reply tickUntilSomethingHappens(Instant limit) {
      while (!clock.isAfter(limit)) {
        Reply reply = advance(TICK);
        if (!reply.isEmpty()) {
          return reply;
        }
      }
      throw new AssertionError("nothing happened by " + limit);
    }

    private Reply drain() {
      Reply reply = new Reply(outcomes.readKeyValuesToList(), events.readKeyValuesToList());
      reply.events().forEach(kv -> history.add(kv.value));
      return reply;
    }

    Instant now() {
      return clock;
    }

    LockState lock(String key) {
      KeyValueStore<String, LockState> locks = driver.getKeyValueStore(StoreNames.LOCKS);
      return locks.get(key);
    }

    Task task(String key) {
      KeyValueStore<String, Task> tasks = driver.getKeyValueStore(StoreNames.TASKS);
      return tasks.get(key);
    }

    List<Event> history() {
      return List.copyOf(history);
    }

    /** The ids of the deadline index entries of {@code kind} ({@code <head>|<key>}). */
    List<String> deadlines(String kind) {
      KeyValueStore<String, String> index = driver.getKeyValueStore(StoreNames.DEADLINES);
      List<String> ids = new ArrayList<>();
      try (var all = index.all()) {
        all.forEachRemaining(
            kv -> {
              String[] parts = kv.key.split("\\|", 3);
              if (parts[1].equals(kind)) {
                ids.add(parts[2]);
              }
            });
      }
      return ids;
    }

    CheckResult checkHistory() {
      return new HistoryChecker(config.punctuateInterval())
          .check(PositionedEvent.onePartition(history));
    }

    /**
     * Closes the driver and opens a new one on the same state directory, as after a restart of the
     * service. {@link TopologyTestDriver#close()} flushes the stores, then deletes every task
     * directory; the task directory ({@code <state.dir>/<application.id>/0_0}) is therefore a
     * symbolic link to {@code <state.dir>/kept-task-0_0}, so the clean-up removes the link, not the
     * RocksDB files, and the link is put back before the next driver opens.
     */
    void restart() {
      driver.close();
      open();
    }

    private void linkTaskDirectory() {
      Path taskData = stateDir.resolve("kept-task-0_0");
      Path taskDir = stateDir.resolve(APPLICATION_ID).resolve("0_0");
      try {
        Files.createDirectories(taskData);
        Files.createDirectories(taskDir.getParent());
        if (!Files.isSymbolicLink(taskDir)) {
          Files.createSymbolicLink(taskDir, taskData);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot link " + taskDir + " to " + taskData, e);
      }
    }

    @Override
    public void close() {
      driver.close();
    }
  }

  /** The command processor alone, on in-memory stores, to see what it forwards and where. */
  static final class ProcessorUnderTest {
    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    private final CommandProcessor processor;

    ProcessorUnderTest() {
      this(Map.of());
    }

    ProcessorUnderTest(Map<String, Object> extra) {
      Map<String, Object> overrides = new java.util.HashMap<>(OVERRIDES);
      overrides.putAll(extra);
      processor = new CommandProcessor(AppConfig.defaults(overrides));
      addStore(StoreNames.TASKS, JsonSerde.of(Task.class));
      addStore(StoreNames.LOCKS, JsonSerde.of(LockState.class));
      addStore(StoreNames.COMMAND_OUTCOMES, JsonSerde.of(Outcome.class));
      addStore(StoreNames.REPLY_ROUTES, JsonSerde.of(RetryRoutes.Routes.class));
      addStore(StoreNames.DECISIONS, Serdes.Integer());
      addStore(StoreNames.DEADLINES, Serdes.String());
      context.setCurrentSystemTimeMs(START.toEpochMilli());
      processor.init(context);
    }

    private <V> void addStore(String name, org.apache.kafka.common.serialization.Serde<V> values) {
      KeyValueStore<String, V> store =
          Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
              .withLoggingDisabled()
              .build();
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
    }

    List<RoutedOutcome> send(ObjectNode command) {
      try {
        processor.process(
            new Record<>(
                keyOf(command),
                Json.mapper().writeValueAsBytes(command),
                context.currentSystemTimeMs()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return takeOutcomes();
    }

    /** The {@code reply-routes} store: command id -> routes. */
    Map<String, RetryRoutes.Routes> routes() {
      KeyValueStore<String, RetryRoutes.Routes> store =
          context.getStateStore(StoreNames.REPLY_ROUTES);
      Map<String, RetryRoutes.Routes> all = new java.util.HashMap<>();
      try (var it = store.all()) {
        it.forEachRemaining(kv -> all.put(kv.key, kv.value));
      }
      return all;
    }

    List<RoutedOutcome> punctuateAt(Instant now) {
      context.setCurrentSystemTimeMs(now.toEpochMilli());
      context.scheduledPunctuators().get(0).getPunctuator().punctuate(now.toEpochMilli());
      return takeOutcomes();
    }

    private List<RoutedOutcome> takeOutcomes() {
      List<RoutedOutcome> out = new ArrayList<>();
      for (CapturedForward<?, ?> f : context.forwarded(CommandProcessor.OUTCOMES_SINK)) {
        out.add((RoutedOutcome) f.record().value());
      }
      context.resetForwards();
      return out;
    }
  }
}
