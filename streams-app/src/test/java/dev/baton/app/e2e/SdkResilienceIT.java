package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.LockGrant;
import dev.baton.sdk.LockRequest;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's defences against its users and its environment (issue 16), against the real broker and
 * topology: callbacks that throw, requests queued when their client goes away, views, lock loss
 * while Baton is stopped. Outages of Kafka itself are in {@link SdkOutageIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkResilienceIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final HttpClient http = HttpClient.newHttpClient();
  private TestBaton baton;
  private BatonClient alice;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    baton = TestBaton.start(dataDir, Map.of());
    alice = baton.client("alice");
  }

  @AfterAll
  void stop() {
    if (alice != null) alice.close();
    if (baton != null) baton.close();
  }

  private static String resource() {
    return "src/" + UUID.randomUUID() + ".java";
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  /** Waits for {@code condition}, failing after 30 s. */
  private static void eventually(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  /** The lock's status as the HTTP API reports it, read with a plain client. */
  private JsonNode status(String resource) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          baton.httpBase()
                              + "/v1/locks/default?resource="
                              + URLEncoder.encode(resource, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return Json.mapper().readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<String> queued(String resource) {
    return status(resource).path("queue").findValuesAsText("agent");
  }

  private List<String> holders(String resource) {
    return status(resource).path("holders").findValuesAsText("agent");
  }

  /** Acquires {@code resource} for {@code client}, waiting in the queue; returns once queued. */
  private static CompletableFuture<LockGrant> queueFor(BatonClient client, String resource)
      throws Exception {
    CompletableFuture<Outcome> queued = new CompletableFuture<>();
    CompletableFuture<LockGrant> grant =
        client
            .locks()
            .acquire(
                LockRequest.of(resource, LockMode.EXCLUSIVE)
                    .withLease(LEASE)
                    .withWait(WAIT)
                    .onQueued(queued::complete));
    await(queued);
    return grant;
  }

  @Nested
  class Callbacks {
    @Test
    void shouldGrantAndKeepWorkingWhenOnQueuedThrows() throws Exception {
      // given
      String r = resource();
      LockGrant first = await(alice.locks().tryAcquire(r, LockMode.EXCLUSIVE, LEASE));
      List<String> threads = new CopyOnWriteArrayList<>();
      try (BatonClient bob = baton.client("bob")) {
        CompletableFuture<LockGrant> second =
            bob.locks()
                .acquire(
                    LockRequest.of(r, LockMode.EXCLUSIVE)
                        .withLease(LEASE)
                        .withWait(WAIT)
                        .onQueued(
                            outcome -> {
                              threads.add(Thread.currentThread().getName());
                              throw new IllegalStateException("callback bug");
                            }));
        eventually("bob queued", () -> queued(r).contains("bob"));

        // when
        first.release();

        // then: granted although the callback threw, and the client still answers
        LockGrant granted = await(second);
        assertThat(granted.token()).isGreaterThan(first.token());
        assertThat(threads).hasSize(1).allMatch(name -> name.startsWith("baton-sdk-callbacks-"));
        Outcome created = await(bob.tasks().create(NewTask.titled("still working")));
        assertThat(created.isSuccess()).isTrue();
        assertThat(bob.isHealthy()).isTrue();
      }
    }

    @Test
    void shouldCompleteFuturesOffTheReplyReaderAndSurviveThrowingStages() throws Exception {
      // given: a dependent stage that throws
      CompletableFuture<String> thread = new CompletableFuture<>();
      alice
          .tasks()
          .create(NewTask.titled("stage"))
          .thenAccept(
              o -> {
                thread.complete(Thread.currentThread().getName());
                throw new IllegalStateException("stage bug");
              });

      // then
      assertThat(await(thread)).startsWith("baton-sdk-callbacks-");
      assertThat(await(alice.tasks().create(NewTask.titled("after"))).isSuccess()).isTrue();
    }
  }

  @Nested
  class QueuedRequests {
    @Test
    void shouldLeaveTheQueueWhenTheClientClosesWhileWaiting() throws Exception {
      // given
      String r = resource();
      LockGrant held = await(alice.locks().tryAcquire(r, LockMode.EXCLUSIVE, LEASE));
      BatonClient carol = baton.client("carol");
      CompletableFuture<LockGrant> waiting = queueFor(carol, r);
      assertThat(queued(r)).containsExactly("carol");

      // when
      carol.close();

      // then
      assertThat(queued(r)).isEmpty();
      assertThat(waiting).isCompletedExceptionally();
      held.release().get(30, TimeUnit.SECONDS);
      assertThat(holders(r)).isEmpty();
    }

    @Test
    void shouldLeaveTheQueueWhenTheFutureIsCancelled() throws Exception {
      // given
      String r = resource();
      LockGrant held = await(alice.locks().tryAcquire(r, LockMode.EXCLUSIVE, LEASE));
      try (BatonClient dave = baton.client("dave")) {
        CompletableFuture<LockGrant> waiting = queueFor(dave, r);

        // when
        waiting.cancel(true);

        // then
        eventually("dave out of the queue", () -> queued(r).isEmpty());
        held.release().get(30, TimeUnit.SECONDS);
        assertThat(holders(r)).isEmpty();
      }
    }
  }

  @Nested
  class Views {
    @Test
    void shouldReleaseTheViewsLocksWhenTheBaseCloses() throws Exception {
      // given
      String held = resource();
      String waited = resource();
      LockGrant blocker = await(alice.locks().tryAcquire(waited, LockMode.EXCLUSIVE, LEASE));
      BatonClient gateway = baton.client("gateway");
      BatonClient erin = gateway.as("erin", "default");
      LockGrant grant = await(erin.locks().tryAcquire(held, LockMode.EXCLUSIVE, LEASE));
      CompletableFuture<LockGrant> waiting = queueFor(erin, waited);
      assertThat(holders(held)).containsExactly("erin");

      // when
      gateway.close();

      // then
      assertThat(holders(held)).isEmpty();
      assertThat(queued(waited)).isEmpty();
      assertThat(grant.isHeld()).isFalse();
      assertThat(waiting).isCompletedExceptionally();
      blocker.release().get(30, TimeUnit.SECONDS);
    }

    @Test
    void shouldReleaseOnlyTheViewsLocksWhenTheViewCloses() throws Exception {
      // given
      String r = resource();
      String base = resource();
      try (BatonClient gateway = baton.client("gateway2")) {
        LockGrant own = await(gateway.locks().tryAcquire(base, LockMode.EXCLUSIVE, LEASE));
        BatonClient frank = gateway.as("frank", "default");
        await(frank.locks().tryAcquire(r, LockMode.EXCLUSIVE, LEASE));

        // when
        frank.close();

        // then
        assertThat(holders(r)).isEmpty();
        assertThat(holders(base)).containsExactly("gateway2");
        assertThat(own.isHeld()).isTrue();
        assertThatThrownBy(() -> await(frank.tasks().create(NewTask.titled("late"))))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(BatonException.class);
        assertThatThrownBy(
                () -> await(frank.locks().tryAcquire(resource(), LockMode.EXCLUSIVE, LEASE)))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(BatonException.class);
        assertThat(await(gateway.as("frank", "default").tasks().create(NewTask.titled("new"))))
            .matches(Outcome::isSuccess);
      }
    }
  }

  @Nested
  class LockHandles {
    @Test
    void shouldReleaseWhenTheHandleCloses() throws Exception {
      String r = resource();
      try (LockGrant grant = await(alice.locks().tryAcquire(r, LockMode.EXCLUSIVE, LEASE))) {
        assertThat(grant.isHeld()).isTrue();
        assertThat(holders(r)).containsExactly("alice");
      }
      assertThat(holders(r)).isEmpty();
    }

    @Test
    void shouldRetryAnAcquireWithItsCommandIdAndGetTheSameGrant() throws Exception {
      String r = resource();
      LockRequest request =
          LockRequest.of(r, LockMode.EXCLUSIVE)
              .withLease(LEASE)
              .withCommandId("acq-" + UUID.randomUUID());
      LockGrant first = await(alice.locks().acquire(request));
      LockGrant again = await(alice.locks().acquire(request));
      assertThat(again.token()).isEqualTo(first.token());
      assertThat(again).isSameAs(first);
      first.release().get(30, TimeUnit.SECONDS);
    }

    @Test
    void shouldRejectAnInvalidCommandAsABatonException() {
      assertThatThrownBy(() -> await(alice.locks().tryAcquire("", LockMode.EXCLUSIVE, LEASE)))
          .hasCauseInstanceOf(BatonException.class)
          .cause()
          .matches(e -> !((BatonException) e).retriable());
    }
  }

  /** Baton itself (the topology) stops; the broker stays up. */
  @Nested
  class LockLoss {
    @Test
    void shouldReportLossAtTheLocalLeaseDeadlineWhenBatonStops(@TempDir Path dir) throws Exception {
      Duration lease = Duration.ofSeconds(3);
      TestBaton own = TestBaton.start(dir, Map.of());
      try (BatonClient grace = own.client("grace")) {
        LockGrant grant = await(grace.locks().tryAcquire(resource(), LockMode.EXCLUSIVE, lease));
        CompletableFuture<String> lost = new CompletableFuture<>();
        grant.onLost((g, reason) -> lost.complete(reason));

        // when
        own.close();
        long stopped = System.nanoTime();

        // then: within the lease plus one renewal interval (a third of it) of the stop, far
        // sooner than the 30 s request timeout of the unanswered renewals
        String reason = lost.get(30, TimeUnit.SECONDS);
        long afterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
        assertThat(afterMs).isLessThanOrEqualTo(lease.toMillis() + lease.toMillis() / 3 + 1_000);
        assertThat(reason).contains("no renewal confirmed");
        assertThat(grant.isHeld()).isFalse();
      }
    }
  }
}
