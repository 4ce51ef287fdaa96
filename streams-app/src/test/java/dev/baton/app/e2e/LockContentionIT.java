package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.bench.ContentionWorkload;
import dev.baton.app.check.CheckResult;
import dev.baton.app.check.EventLogReader;
import dev.baton.app.check.HistoryChecker;
import dev.baton.app.check.PositionedEvent;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.LockGrant;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contention experiment against a real broker: 10 to 100 agents, each its own client, lock a
 * few hot tasks and increment a counter in them, releasing with a {@code lock.release} after the
 * write or, at 100 agents, with the write itself. Every acquisition must be granted, no increment
 * lost, every lock handed on by a release (of the write's own, when asked), and the event history
 * must satisfy every lock invariant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LockContentionIT {
  private static final Duration PUNCTUATION = Duration.ofMillis(200);
  private TestBaton baton;
  private BatonClient admin;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start(@TempDir Path dataDir) {
    baton = TestBaton.start(dataDir, Map.of());
    admin = baton.client("admin");
  }

  @AfterAll
  void stop() {
    if (admin != null) admin.close();
    if (baton != null) baton.close();
  }

  @ParameterizedTest(name = "{0} agents, {1}, release with write: {2}")
  @CsvSource({
    "10, EXCLUSIVE, false",
    "25, EXCLUSIVE, false",
    "50, EXCLUSIVE, false",
    "100, EXCLUSIVE, false",
    "10, COLLABORATIVE, false",
    "25, COLLABORATIVE, false",
    "50, COLLABORATIVE, false",
    "100, COLLABORATIVE, false",
    "100, EXCLUSIVE, true",
    "100, COLLABORATIVE, true"
  })
  void shouldGrantEveryAcquisitionAndLoseNoIncrement(
      int agents, LockMode mode, boolean releaseWithWrite) throws Exception {
    String run = mode.name().toLowerCase() + "-" + agents + (releaseWithWrite ? "-wr" : "");
    List<String> hot = createHotTasks(run, 4);
    ContentionWorkload.Spec spec =
        new ContentionWorkload.Spec(
            agents, mode, hot, 3, Duration.ofSeconds(30), Duration.ofMinutes(2), releaseWithWrite);

    ContentionWorkload.Result result = ContentionWorkload.run(spec, baton::client, this::readTask);

    assertThat(result.successRate()).isEqualTo(1.0);
    assertThat(result.increments()).isEqualTo(agents * 3L);
    assertThat(result.lostUpdates()).isZero();
    List<Event> events = eventsOf(hot);
    // Every hand-over was a release (by the write when asked), never a lease running out.
    assertThat(events).noneMatch(e -> e.type() == EventType.LOCK_EXPIRED);
    assertThat(releasedByTheirWrite(events)).isEqualTo(releaseWithWrite ? agents * 3L : 0L);
    assertThat(events.stream().filter(e -> e.type() == EventType.LOCK_RELEASED).count())
        .isEqualTo(agents * 3L);
    assertCleanHistory();
  }

  @Test
  void shouldHandTheLockOnWhenHoldersDieWithoutReleasing() throws Exception {
    String taskId = createHotTasks("abandoned", 1).get(0);
    String resource = "task/" + taskId;
    // A holder that vanishes: a raw acquisition, never renewed nor released.
    try (BatonClient ghost = baton.client("ghost")) {
      Outcome grant = acquireWithoutRenewal(ghost, resource, 1_000);
      assertThat(grant.status()).isEqualTo(OutcomeStatus.GRANTED);
    }
    List<BatonClient> waiters = new ArrayList<>();
    List<CompletableFuture<LockGrant>> grants = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      BatonClient w = baton.client("waiter-" + i);
      waiters.add(w);
      grants.add(
          w.locks()
              .acquire(
                  resource, LockMode.EXCLUSIVE, Duration.ofSeconds(10), Duration.ofSeconds(60)));
    }
    try {
      // Each waiter takes the lock in turn after the ghost's lease runs out, then releases.
      long lastToken = 0;
      for (int i = 0; i < grants.size(); i++) {
        LockGrant g = grants.get(i).get(30, TimeUnit.SECONDS);
        assertThat(g.token()).isGreaterThan(lastToken);
        lastToken = g.token();
        waiters.get(i).locks().release(resource).get(30, TimeUnit.SECONDS);
      }
    } finally {
      waiters.forEach(BatonClient::close);
    }
    assertCleanHistory();
  }

  private Outcome acquireWithoutRenewal(BatonClient client, String resource, long leaseMs)
      throws Exception {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("resource", resource);
    body.put("mode", "EXCLUSIVE");
    body.put("leaseMs", leaseMs);
    body.put("waitMs", 0);
    return client
        .submit(CommandType.LOCK_ACQUIRE, body, WriteOptions.NONE)
        .get(30, TimeUnit.SECONDS);
  }

  /** The events of the hot tasks {@code taskIds}, in log order. */
  private List<Event> eventsOf(List<String> taskIds) {
    Set<String> keys =
        taskIds.stream().map(id -> AggregateKeys.task("default", id)).collect(Collectors.toSet());
    return EventLogReader.read(
            baton.service().bootstrapServers(),
            baton.config().topics().events(),
            Duration.ofSeconds(60))
        .events()
        .stream()
        .map(PositionedEvent::event)
        .filter(e -> keys.contains(e.key()))
        .toList();
  }

  /** How many {@code lock.released} events a task write made (same command as a task event). */
  private static long releasedByTheirWrite(List<Event> events) {
    Set<String> writes =
        events.stream()
            .filter(e -> e.type() == EventType.TASK_UPDATED)
            .map(Event::commandId)
            .collect(Collectors.toSet());
    return events.stream()
        .filter(e -> e.type() == EventType.LOCK_RELEASED && writes.contains(e.commandId()))
        .count();
  }

  private void assertCleanHistory() {
    CheckResult check =
        HistoryChecker.checkTopic(
            baton.service().bootstrapServers(),
            baton.config().topics().events(),
            PUNCTUATION,
            Duration.ofSeconds(60));
    assertThat(check.ok()).as(check.firstViolation()).isTrue();
    assertThat(check.eventsChecked()).isPositive();
  }

  private List<String> createHotTasks(String prefix, int count) {
    List<String> ids = IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    List<CompletableFuture<Outcome>> created =
        ids.stream()
            .map(id -> admin.tasks().create(NewTask.titled("hot " + id).withId(id)))
            .toList();
    created.forEach(CompletableFuture::join);
    return ids;
  }

  private Task readTask(String taskId) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baton.httpBase() + "/v1/tasks/default/" + taskId))
            .header("X-Baton-Agent", "reader")
            .GET()
            .build();
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "GET task "
                + taskId
                + " answered "
                + response.statusCode()
                + ": "
                + new String(response.body()));
      }
      return Json.mapper().readValue(response.body(), Task.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
