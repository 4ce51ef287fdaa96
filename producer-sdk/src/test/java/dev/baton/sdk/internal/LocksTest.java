package dev.baton.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.DecisionOperations;
import dev.baton.sdk.LockGrant;
import dev.baton.sdk.LockOperations;
import dev.baton.sdk.LockRequest;
import dev.baton.sdk.TaskOperations;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lock bookkeeping of the SDK around a task write that releases its fenced lock: what the
 * client still renews, releases on close and reports lost, against a fake client that answers
 * commands as the test says. Leases are an hour long, so renewals run only when a test calls them.
 */
class LocksTest {
  private static final String RESOURCE = "task/T1";
  private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");
  private static final Duration LEASE = Duration.ofHours(1);

  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private final FakeClient client = new FakeClient();
  private final List<String> lost = new ArrayList<>();
  private Locks locks;
  private LockGrant grant;

  @BeforeEach
  void givenAHeldLock() {
    timer.setRemoveOnCancelPolicy(true);
    locks =
        new Locks(
            client::submit,
            resource -> CompletableFuture.failedFuture(new UnsupportedOperationException()),
            timer,
            Callbacks.on(Runnable::run, "test"),
            () -> {});
    locks.addListener((g, reason) -> lost.add(g.resource() + ": " + reason));
    client.answer = type -> CompletableFuture.completedFuture(granted(1));
    grant = locks.acquire(RESOURCE, LockMode.EXCLUSIVE, LEASE, Duration.ZERO).join();
    client.sent.clear();
    assertThat(locks.holds(RESOURCE)).isTrue();
    assertThat(timer.getQueue()).as("the renewal and the lease deadline").hasSize(2);
  }

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  @ParameterizedTest
  @EnumSource(
      value = OutcomeStatus.class,
      names = {"ACCEPTED", "DUPLICATE"})
  void shouldForgetTheLockOnceTheWriteThatReleasesItIsAccepted(OutcomeStatus status) {
    // when
    Outcome outcome = locks.releasingWith(grant.fence(), () -> completed(accepted(status))).join();

    // then
    assertThat(outcome.isSuccess()).isTrue();
    assertThat(locks.holds(RESOURCE)).isFalse();
    assertThat(timer.getQueue()).as("renewals left").isEmpty();
    locks.renewQuietly(RESOURCE);
    locks.releaseAll();
    assertThat(client.sent).as("renewals and releases sent after the write").isEmpty();
    assertThat(lost).isEmpty();
  }

  @Test
  void shouldKeepRenewingAndReleaseOnCloseWhenTheWriteIsRejected() {
    // when
    CompletableFuture<Outcome> write =
        locks.releasingWith(
            grant.fence(),
            () -> CompletableFuture.failedFuture(rejected(OutcomeCode.VERSION_CONFLICT)));

    // then
    assertThat(write).isCompletedExceptionally();
    assertThat(locks.holds(RESOURCE)).isTrue();
    assertThat(timer.getQueue()).as("the renewal and the lease deadline").hasSize(2);
    client.answer = type -> completed(accepted(OutcomeStatus.ACCEPTED));
    locks.renewQuietly(RESOURCE);
    locks.releaseAll();
    assertThat(client.sent).containsExactly(CommandType.LOCK_RENEW, CommandType.LOCK_RELEASE);
    assertThat(lost).isEmpty();
  }

  @Test
  void shouldNotReportALossWhenARenewalIsRefusedWhileTheWriteReleasesTheLock() {
    // given: the write is in flight
    CompletableFuture<Outcome> pending = new CompletableFuture<>();
    CompletableFuture<Outcome> write = locks.releasingWith(grant.fence(), () -> pending);

    // when: a renewal is refused (the write's release came first), then the write lands
    client.answer = type -> CompletableFuture.failedFuture(rejected(OutcomeCode.NOT_HOLDER));
    locks.renewQuietly(RESOURCE);
    pending.complete(accepted(OutcomeStatus.ACCEPTED));

    // then
    assertThat(write).isCompletedWithValueMatching(Outcome::isSuccess);
    assertThat(client.sent).containsExactly(CommandType.LOCK_RENEW);
    assertThat(lost).isEmpty();
    assertThat(locks.holds(RESOURCE)).isFalse();
  }

  @Test
  void shouldReportTheLossWhenARenewalIsRefusedAfterTheWriteWasRejected() {
    // given: the write was rejected because the lease had run out
    locks
        .releasingWith(
            grant.fence(), () -> CompletableFuture.failedFuture(rejected(OutcomeCode.FENCED)))
        .exceptionally(e -> null)
        .join();

    // when
    client.answer = type -> CompletableFuture.failedFuture(rejected(OutcomeCode.EXPIRED));
    locks.renewQuietly(RESOURCE);

    // then
    assertThat(lost).hasSize(1).allMatch(l -> l.startsWith(RESOURCE + ": EXPIRED"));
    assertThat(locks.holds(RESOURCE)).isFalse();
  }

  @Test
  void shouldKeepTheBooksOfAnotherGrantUntouched() {
    // when: a write fenced with a token this client does not hold
    locks
        .releasingWith(
            new dev.baton.sdk.protocol.Fence(RESOURCE, grant.token() + 1),
            () -> completed(accepted(OutcomeStatus.ACCEPTED)))
        .join();

    // then
    assertThat(locks.holds(RESOURCE)).isTrue();
    assertThat(timer.getQueue()).hasSize(2);
  }

  @Test
  void shouldRenewAtOnceAGrantARetryIsToldOf() throws InterruptedException {
    // given: a retried acquire whose grant came before the retry (after a crash, say)
    client.answer =
        type ->
            type == CommandType.LOCK_ACQUIRE
                ? completed(granted(2).asDuplicate())
                : completed(granted(2).withStatus(OutcomeStatus.ACCEPTED));

    // when
    LockGrant told =
        locks
            .acquire(
                LockRequest.of("src/B.java", LockMode.EXCLUSIVE)
                    .withLease(LEASE)
                    .withCommandId("retried"))
            .join();

    // then: its lease may have run for a while, so it is renewed now, not a third of it later
    assertThat(told.token()).isEqualTo(2L);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!client.sent.contains(CommandType.LOCK_RENEW)) {
      assertThat(System.nanoTime()).as("a renewal sent at once").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static CompletableFuture<Outcome> completed(Outcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }

  private static Outcome granted(long token) {
    return new Outcome(
        "acquire",
        CommandType.LOCK_ACQUIRE,
        "default/task/T1",
        OutcomeStatus.GRANTED,
        OutcomeCode.OK,
        "granted",
        1L,
        token,
        null,
        List.of("alice"),
        AT.plus(LEASE),
        null,
        null,
        AT);
  }

  private static Outcome accepted(OutcomeStatus status) {
    return new Outcome(
        "write",
        CommandType.TASK_UPDATE,
        "default/task/T1",
        status,
        OutcomeCode.OK,
        "ok; released lock task/T1 (token 1)",
        2L,
        null,
        null,
        null,
        null,
        null,
        status == OutcomeStatus.DUPLICATE ? OutcomeStatus.ACCEPTED : null,
        AT);
  }

  private static BatonRejectedException rejected(OutcomeCode code) {
    return new BatonRejectedException(
        Outcome.rejected(
            "c", CommandType.TASK_UPDATE, "default/task/T1", code, "no", 1L, null, AT));
  }

  /** Records the type of every command submitted and answers it with {@link #answer}. */
  private static final class FakeClient implements BatonClient {
    final List<CommandType> sent = new CopyOnWriteArrayList<>();
    Function<CommandType, CompletableFuture<Outcome>> answer;

    @Override
    public CompletableFuture<Outcome> submit(
        CommandType type,
        ObjectNode body,
        WriteOptions options,
        Consumer<Outcome> progress,
        Duration extraWait) {
      sent.add(type);
      return answer.apply(type);
    }

    @Override
    public TaskOperations tasks() {
      throw new UnsupportedOperationException();
    }

    @Override
    public LockOperations locks() {
      throw new UnsupportedOperationException();
    }

    @Override
    public DecisionOperations decisions() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String agent() {
      return "alice";
    }

    @Override
    public String workspace() {
      return "default";
    }

    @Override
    public BatonClient as(String agent, String workspace) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isHealthy() {
      return true;
    }

    @Override
    public void addHealthListener(dev.baton.sdk.HealthListener listener) {}

    @Override
    public void close() {}
  }
}
