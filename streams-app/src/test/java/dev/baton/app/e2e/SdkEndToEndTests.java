package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.config.AppConfig;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.LockGrant;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK against a real broker and topology: tasks, conflicts, retries and locks. Subclasses say
 * which broker: the shared in-JVM one ({@link SdkEndToEndIT}) or a container ({@link
 * SdkEndToEndContainerIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SdkEndToEndTests {
  private TestBaton baton;
  private BatonClient alice;
  private BatonClient bob;

  /** The Kafka cluster under test. */
  protected abstract String bootstrapServers();

  private Map<String, Object> cluster() {
    return Map.of(AppConfig.BOOTSTRAP_SERVERS, bootstrapServers());
  }

  @BeforeAll
  void start(@TempDir Path dataDir) {
    baton = TestBaton.start(dataDir, cluster());
    alice = baton.client("alice");
    bob = baton.client("bob");
  }

  @AfterAll
  void stop() {
    if (alice != null) alice.close();
    if (bob != null) bob.close();
    if (baton != null) baton.close();
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  private static BatonRejectedException rejection(CompletableFuture<?> f) {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BatonRejectedException r) {
        return r;
      }
      throw new AssertionError("expected a rejection, got " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a rejection, the command was accepted");
  }

  private static ObjectNode patch(String field, String value) {
    ObjectNode p = Json.mapper().createObjectNode();
    p.put(field, value);
    return p;
  }

  @Test
  void shouldCreateUpdateAndRejectStaleVersionWithCurrentState() throws Exception {
    Outcome created = await(alice.tasks().create(NewTask.titled("Fix login").withId("login")));
    assertThat(created.version()).isEqualTo(1L);
    assertThat(created.state().path("status").asText()).isEqualTo("OPEN");

    Outcome updated = await(alice.tasks().update("login", 1, patch("title", "Fix login flow")));
    assertThat(updated.version()).isEqualTo(2L);

    BatonRejectedException conflict =
        rejection(bob.tasks().update("login", 1, patch("title", "Something else")));
    assertThat(conflict.code()).isEqualTo(OutcomeCode.VERSION_CONFLICT);
    assertThat(conflict.currentVersion()).isEqualTo(2L);
    assertThat(conflict.currentState().path("title").asText()).isEqualTo("Fix login flow");
  }

  @Test
  void shouldMergeStaleWriteThatTouchesOnlyUnchangedFields() throws Exception {
    await(alice.tasks().create(NewTask.titled("Merge me").withId("merge")));
    await(alice.tasks().update("merge", 1, patch("title", "Merged title")));

    Outcome merged = await(bob.tasks().update("merge", 1, patch("description", "from bob")));

    assertThat(merged.version()).isEqualTo(3L);
    assertThat(merged.state().path("title").asText()).isEqualTo("Merged title");
    assertThat(merged.state().path("description").asText()).isEqualTo("from bob");
  }

  @Test
  void shouldClaimAtomicallyAndWalkTheStateMachine() throws Exception {
    await(alice.tasks().create(NewTask.titled("Claim me").withId("claim")));
    CompletableFuture<Outcome> a = alice.tasks().claim("claim");
    CompletableFuture<Outcome> b = bob.tasks().claim("claim");
    CompletableFuture.allOf(a, b).handle((x, e) -> null).get(30, TimeUnit.SECONDS);

    long winners = List.of(a, b).stream().filter(f -> !f.isCompletedExceptionally()).count();
    assertThat(winners).isEqualTo(1);
    CompletableFuture<Outcome> loser = a.isCompletedExceptionally() ? a : b;
    assertThat(rejection(loser).code()).isEqualTo(OutcomeCode.ALREADY_CLAIMED);

    BatonClient winner = a.isCompletedExceptionally() ? bob : alice;
    assertThat(
            await(winner.tasks().transition("claim", TaskStatus.IN_PROGRESS))
                .state()
                .path("status")
                .asText())
        .isEqualTo("IN_PROGRESS");
    assertThat(rejection(winner.tasks().transition("claim", TaskStatus.CLAIMED)).code())
        .isEqualTo(OutcomeCode.INVALID_TRANSITION);
  }

  @Test
  void shouldJoinASecondSendOfACommandIdStillInFlight() throws Exception {
    await(alice.tasks().create(NewTask.titled("Join").withId("join")));
    WriteOptions once = WriteOptions.NONE.withCommandId("cmd-join-1");

    var first = alice.tasks().update("join", patch("title", "once"), once);
    var second = alice.tasks().update("join", patch("title", "once"), once);

    Outcome a = await(first);
    Outcome b = await(second);
    assertThat(a.isSuccess()).isTrue();
    assertThat(b.isSuccess()).isTrue();
    assertThat(a.version()).isEqualTo(2L);
    assertThat(b.version()).isEqualTo(2L);
    Outcome next = await(alice.tasks().update("join", 2, patch("title", "twice")));
    assertThat(next.version()).isEqualTo(3L);
  }

  @Test
  void shouldAnswerRetriedCommandIdWithTheFirstOutcome() throws Exception {
    await(alice.tasks().create(NewTask.titled("Retry").withId("retry")));
    WriteOptions once = WriteOptions.expecting(1).withCommandId("cmd-retry-1");

    Outcome first = await(alice.tasks().update("retry", patch("title", "once"), once));
    Outcome again = await(alice.tasks().update("retry", patch("title", "once"), once));
    // From another client: when it shares alice's reply partition and has not read past alice's
    // outcome yet, that first outcome (ACCEPTED) answers it; else the DUPLICATE does. Either way
    // the same single application.
    Outcome fromBob = await(bob.tasks().update("retry", patch("title", "once"), once));

    assertThat(first.status()).isEqualTo(OutcomeStatus.ACCEPTED);
    assertThat(again.status()).isEqualTo(OutcomeStatus.DUPLICATE);
    assertThat(again.version()).isEqualTo(first.version());
    assertThat(fromBob.status()).isIn(OutcomeStatus.DUPLICATE, OutcomeStatus.ACCEPTED);
    assertThat(fromBob.version()).isEqualTo(first.version());
    Outcome next = await(alice.tasks().update("retry", 2, patch("title", "twice")));
    assertThat(next.version()).isEqualTo(3L);
  }

  @Test
  void shouldQueueSecondExclusiveAndGrantItWithHigherTokenOnRelease() throws Exception {
    LockGrant first =
        await(
            alice
                .locks()
                .acquire(
                    "src/App.java", LockMode.EXCLUSIVE, Duration.ofSeconds(30), Duration.ZERO));
    CompletableFuture<Outcome> queued = new CompletableFuture<>();
    CompletableFuture<LockGrant> second =
        bob.locks()
            .acquire(
                "src/App.java",
                LockMode.EXCLUSIVE,
                Duration.ofSeconds(30),
                Duration.ofSeconds(20),
                queued::complete);
    assertThat(rejection(carolTries("src/App.java")).code()).isEqualTo(OutcomeCode.LOCKED);

    assertThat(await(queued).position()).isEqualTo(1);
    assertThat(second).isNotDone();

    await(alice.locks().release("src/App.java"));
    LockGrant granted = await(second);
    assertThat(granted.token()).isGreaterThan(first.token());
  }

  @Test
  void shouldFenceTaskWritesWithStaleTokenAndBlockOthersWhileExclusive() throws Exception {
    await(alice.tasks().create(NewTask.titled("Fenced").withId("fenced")));
    LockGrant grant =
        await(
            alice
                .locks()
                .acquire("task/fenced", LockMode.EXCLUSIVE, Duration.ofSeconds(30), Duration.ZERO));

    assertThat(rejection(bob.tasks().update("fenced", 1, patch("title", "bob"))).code())
        .isEqualTo(OutcomeCode.LOCKED);
    Outcome ok =
        await(
            alice
                .tasks()
                .update(
                    "fenced",
                    patch("title", "alice"),
                    WriteOptions.expecting(1).withFence(grant.fence())));
    assertThat(ok.version()).isEqualTo(2L);

    await(alice.locks().release("task/fenced"));
    LockGrant bobs =
        await(
            bob.locks()
                .acquire("task/fenced", LockMode.EXCLUSIVE, Duration.ofSeconds(30), Duration.ZERO));
    assertThat(bobs.token()).isGreaterThan(grant.token());
    assertThat(
            rejection(
                    alice
                        .tasks()
                        .update(
                            "fenced",
                            patch("title", "late"),
                            WriteOptions.NONE.withFence(grant.fence())))
                .code())
        .isEqualTo(OutcomeCode.FENCED);
    await(bob.locks().release("task/fenced"));
  }

  @Test
  void shouldKeepTasksAcrossRestart(@TempDir Path restartDir) throws Exception {
    AppConfig config;
    try (TestBaton node = TestBaton.start(restartDir, cluster());
        BatonClient carol = node.client("carol")) {
      config = node.config();
      await(carol.tasks().create(NewTask.titled("Survive").withId("survive")));
    }
    try (TestBaton node = TestBaton.restart(restartDir, config);
        BatonClient carol = node.client("carol")) {
      Outcome updated = await(carol.tasks().update("survive", 1, patch("title", "Survived")));
      assertThat(updated.version()).isEqualTo(2L);
    }
  }

  private CompletableFuture<LockGrant> carolTries(String resource) {
    BatonClient carol = baton.client("carol");
    return carol
        .locks()
        .tryAcquire(resource, LockMode.EXCLUSIVE, Duration.ofSeconds(5))
        .whenComplete((g, e) -> carol.close());
  }
}
