package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.CliRun;
import dev.baton.app.cli.WatchedWriter;
import dev.baton.app.testing.TestBaton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Locks and decisions over HTTP, and the {@code baton lock} and {@code baton decision} CLI, end to
 * end: a real {@code BatonService} (topology, state stores, SDK) on the shared test broker.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LockHttpIT {
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final Pattern TOKEN = Pattern.compile("token (\\d+)");

  private TestBaton baton;
  private TestHttp http;
  private String base;

  /** A workspace of this run alone. */
  private final String workspace = "ws-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  void start(@TempDir Path dataDir) {
    baton = TestBaton.start(dataDir, Map.of());
    base = baton.httpBase();
    http = new TestHttp(base);
    assertThat(http.get("/v1/health").status()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    if (baton != null) {
      baton.close();
    }
  }

  @AfterEach
  void serverStaysHealthy() {
    TestHttp.Reply health = http.get("/v1/health");
    assertThat(health.status()).as(health.raw()).isEqualTo(200);
  }

  private String locks(String action) {
    return "/v1/locks/" + workspace + "/" + action;
  }

  private TestHttp.Reply acquire(String agent, String resource, String extra) {
    return http.send(
        "POST",
        locks("acquire"),
        agent,
        "{\"resource\":\"" + resource + "\",\"mode\":\"EXCLUSIVE\"" + extra + "}");
  }

  private CompletableFuture<TestHttp.Reply> acquireInBackground(
      String agent, String resource, String extra) {
    return CompletableFuture.supplyAsync(() -> acquire(agent, resource, extra));
  }

  private TestHttp.Reply command(String agent, String action, String resource) {
    return http.send("POST", locks(action), agent, "{\"resource\":\"" + resource + "\"}");
  }

  private TestHttp.Reply status(String resource) {
    return http.get("/v1/locks/" + workspace + "?resource=" + resource);
  }

  /** Reads the lock's status until {@code done} holds; a bounded wait for a condition. */
  private JsonNode awaitStatus(String resource, Predicate<JsonNode> done) {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    TestHttp.Reply last;
    do {
      last = status(resource);
      if (last.status() == 200 && done.test(last.json())) {
        return last.json();
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    } while (System.nanoTime() < deadline);
    throw new AssertionError("lock " + resource + " never reached the condition; last: " + last);
  }

  private static boolean waits(JsonNode lock, String agent) {
    for (JsonNode w : lock.path("queue")) {
      if (w.path("agent").asText().equals(agent)) {
        return true;
      }
    }
    return false;
  }

  private static void assertErrorBody(TestHttp.Reply reply, int status, String error) {
    assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
    assertThat(reply.error()).as(reply.raw()).isEqualTo(error);
    assertThat(reply.json().path("message").asText()).isNotBlank();
  }

  private static TestHttp.Reply get(CompletableFuture<TestHttp.Reply> reply) throws Exception {
    return reply.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Nested
  class FencedTaskWrites {
    private TestHttp.Reply patch(String agent, String taskId, String body) {
      return http.send("PATCH", "/v1/tasks/" + workspace + "/" + taskId, agent, body);
    }

    @Test
    void shouldFenceATaskWriteAndHandTheLockOnWithIt() throws Exception {
      TestHttp.Reply created =
          http.send(
              "POST", "/v1/tasks/" + workspace, "alice", "{\"id\":\"t-wr\",\"title\":\"Start\"}");
      assertThat(created.status()).as(created.raw()).isEqualTo(201);
      long alice = acquire("alice", "task/t-wr", "").json().path("token").asLong();
      TestHttp.Reply bobQueued = acquire("bob", "task/t-wr", ",\"waitMs\":30000,\"async\":true");
      assertThat(bobQueued.status()).as(bobQueued.raw()).isEqualTo(202);

      assertErrorBody(
          patch("alice", "t-wr", "{\"fenceToken\":" + (alice + 5) + ",\"title\":\"X\"}"),
          409,
          "FENCED");
      assertErrorBody(patch("alice", "t-wr", "{\"release\":true,\"title\":\"X\"}"), 400, "INVALID");
      TestHttp.Reply done =
          patch(
              "alice",
              "t-wr",
              "{\"fenceToken\":" + alice + ",\"release\":true,\"title\":\"Done\"}");

      assertThat(done.status()).as(done.raw()).isEqualTo(200);
      assertThat(done.json().path("state").path("title").asText()).isEqualTo("Done");
      assertThat(done.json().path("message").asText()).contains("released lock task/t-wr");
      JsonNode handedOn =
          awaitStatus(
              "task/t-wr", l -> l.path("holders").path(0).path("agent").asText().equals("bob"));
      assertThat(handedOn.path("holders").get(0).path("token").asLong()).isGreaterThan(alice);
      assertErrorBody(
          patch("alice", "t-wr", "{\"fenceToken\":" + alice + ",\"title\":\"Late\"}"),
          409,
          "FENCED");
    }
  }

  @Nested
  class Acquire {
    @Test
    void shouldGrantAFreeLockAtOnceWithTheGrantAtTheTopLevel() {
      TestHttp.Reply reply = acquire("alice", "src/Free.java", ",\"leaseMs\":60000");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      JsonNode grant = reply.json();
      assertThat(grant.path("status").asText()).isEqualTo("GRANTED");
      assertThat(grant.path("resource").asText()).isEqualTo("src/Free.java");
      assertThat(grant.path("mode").asText()).isEqualTo("EXCLUSIVE");
      assertThat(grant.path("token").asLong()).isEqualTo(1);
      assertThat(Instant.parse(grant.path("leaseDeadline").asText())).isAfter(Instant.now());
      assertThat(grant.path("holders").get(0).asText()).isEqualTo("alice");
      assertThat(grant.path("version").asLong()).isEqualTo(1);
    }

    @Test
    void shouldHoldALongPollUntilTheReleaseAndGrantAHigherToken() throws Exception {
      long first = acquire("alice", "src/Queue.java", "").json().path("token").asLong();

      CompletableFuture<TestHttp.Reply> waiting =
          acquireInBackground("bob", "src/Queue.java", ",\"waitMs\":30000");
      awaitStatus("src/Queue.java", lock -> waits(lock, "bob"));
      assertThat(waiting).as("still waiting in the queue").isNotDone();
      TestHttp.Reply released = command("alice", "release", "src/Queue.java");

      assertThat(released.status()).as(released.raw()).isEqualTo(200);
      TestHttp.Reply granted = get(waiting);
      assertThat(granted.status()).as(granted.raw()).isEqualTo(200);
      assertThat(granted.json().path("status").asText()).isEqualTo("GRANTED");
      assertThat(granted.json().path("token").asLong()).isGreaterThan(first);
      assertThat(granted.json().path("holders").get(0).asText()).isEqualTo("bob");
    }

    @Test
    void shouldGrantTheWaiterWhenTheHoldersLeaseRunsOut() throws Exception {
      long first =
          acquire("alice", "src/Lease.java", ",\"leaseMs\":1000").json().path("token").asLong();

      TestHttp.Reply granted = acquire("bob", "src/Lease.java", ",\"waitMs\":30000");

      assertThat(granted.status()).as(granted.raw()).isEqualTo(200);
      assertThat(granted.json().path("token").asLong()).isGreaterThan(first);
    }

    @Test
    void shouldAnswerLockedAtOnceWhenTheWaitIsZero() {
      acquire("alice", "src/Locked.java", "");

      TestHttp.Reply zero = acquire("bob", "src/Locked.java", ",\"waitMs\":0");
      TestHttp.Reply none = acquire("bob", "src/Locked.java", "");

      assertErrorBody(zero, 409, "LOCKED");
      assertThat(zero.json().path("state").path("holders").get(0).path("agent").asText())
          .isEqualTo("alice");
      assertErrorBody(none, 409, "LOCKED");
    }

    @Test
    void shouldAnswerExpiredWhenTheWaitRunsOut() {
      acquire("alice", "src/Expired.java", "");

      TestHttp.Reply expired = acquire("bob", "src/Expired.java", ",\"waitMs\":500");

      assertErrorBody(expired, 409, "EXPIRED");
      assertThat(waits(status("src/Expired.java").json(), "bob")).isFalse();
    }

    @Test
    void shouldShareACollaborativeLock() {
      String body = "{\"resource\":\"docs/Guide.md\",\"mode\":\"COLLABORATIVE\"}";

      TestHttp.Reply alice = http.send("POST", locks("acquire"), "alice", body);
      TestHttp.Reply bob = http.send("POST", locks("acquire"), "bob", body);

      assertThat(alice.status()).as(alice.raw()).isEqualTo(200);
      assertThat(bob.status()).as(bob.raw()).isEqualTo(200);
      assertThat(bob.json().path("token").asLong())
          .isGreaterThan(alice.json().path("token").asLong());
      JsonNode lock = status("docs/Guide.md").json();
      assertThat(lock.path("mode").asText()).isEqualTo("COLLABORATIVE");
      assertThat(lock.path("holders")).hasSize(2);
    }
  }

  @Nested
  class AsyncAndStatus {
    @Test
    void shouldAnswer202WithThePositionAndShowTheQueueInTheStatus() throws Exception {
      long first = acquire("alice", "src/Async.java", "").json().path("token").asLong();

      TestHttp.Reply bob = acquire("bob", "src/Async.java", ",\"waitMs\":30000,\"async\":true");
      TestHttp.Reply carol = acquire("carol", "src/Async.java", ",\"waitMs\":30000,\"async\":true");

      assertThat(bob.status()).as(bob.raw()).isEqualTo(202);
      assertThat(bob.json().path("status").asText()).isEqualTo("QUEUED");
      assertThat(bob.json().path("position").asInt()).isEqualTo(1);
      assertThat(carol.json().path("position").asInt()).isEqualTo(2);
      JsonNode lock = status("src/Async.java").json();
      assertThat(lock.path("resource").asText()).isEqualTo("src/Async.java");
      assertThat(lock.path("holders").get(0).path("agent").asText()).isEqualTo("alice");
      assertThat(lock.path("holders").get(0).path("token").asLong()).isEqualTo(first);
      assertThat(lock.path("holders").get(0).path("leaseDeadline").asText()).isNotBlank();
      assertThat(lock.path("queue").get(0).path("agent").asText()).isEqualTo("bob");
      assertThat(lock.path("queue").get(0).path("position").asInt()).isEqualTo(1);
      assertThat(lock.path("queue").get(0).path("waitDeadline").asText()).isNotBlank();
      assertThat(lock.path("queue").get(1).path("agent").asText()).isEqualTo("carol");
      assertThat(lock.path("queue").get(1).path("position").asInt()).isEqualTo(2);
      assertThat(lock.path("lastToken").asLong()).isEqualTo(first);
      assertThat(lock.path("version").asLong()).isGreaterThan(1);

      TestHttp.Reply cancelled = command("bob", "cancel", "src/Async.java");
      assertThat(cancelled.status()).as(cancelled.raw()).isEqualTo(200);
      command("alice", "release", "src/Async.java");

      JsonNode handedOn =
          awaitStatus(
              "src/Async.java",
              l -> l.path("holders").path(0).path("agent").asText().equals("carol"));
      assertThat(handedOn.path("holders").get(0).path("token").asLong()).isGreaterThan(first);
      assertThat(handedOn.path("queue")).isEmpty();
    }

    @Test
    void shouldAnswerAnAsyncRetryWithTheSameKeyWithItsPlaceInTheQueue() {
      long first = acquire("alice", "src/Idem.java", "").json().path("token").asLong();
      String body =
          "{\"resource\":\"src/Idem.java\",\"mode\":\"EXCLUSIVE\",\"waitMs\":30000,\"async\":true}";

      TestHttp.Reply queued =
          http.send("POST", locks("acquire"), "bob", body, Map.of("Idempotency-Key", "k-bob-idem"));
      TestHttp.Reply retried =
          http.send("POST", locks("acquire"), "bob", body, Map.of("Idempotency-Key", "k-bob-idem"));

      assertThat(queued.status()).as(queued.raw()).isEqualTo(202);
      assertThat(retried.status()).as(retried.raw()).isEqualTo(202);
      assertThat(retried.json().path("position").asInt()).isEqualTo(1);
      assertThat(status("src/Idem.java").json().path("queue")).hasSize(1);
      command("alice", "release", "src/Idem.java");
      JsonNode handedOn =
          awaitStatus(
              "src/Idem.java", l -> l.path("holders").path(0).path("agent").asText().equals("bob"));
      assertThat(handedOn.path("holders").get(0).path("token").asLong()).isGreaterThan(first);
    }

    @Test
    void shouldFindATasksLock() {
      TestHttp.Reply granted = acquire("alice", "task/t-1", "");

      TestHttp.Reply lock = status("task/t-1");

      assertThat(granted.status()).as(granted.raw()).isEqualTo(200);
      assertThat(lock.status()).as(lock.raw()).isEqualTo(200);
      assertThat(lock.json().path("key").asText()).isEqualTo(workspace + "/task/t-1");
    }

    @Test
    void shouldAnswer404ForALockNeverAskedFor() {
      assertErrorBody(status("src/Never.java"), 404, "NOT_FOUND");
      assertErrorBody(command("alice", "release", "src/Never.java"), 404, "NOT_FOUND");
      assertErrorBody(command("alice", "cancel", "src/Never.java"), 404, "NOT_FOUND");
    }
  }

  @Nested
  class HolderOnly {
    @Test
    void shouldRejectRenewAndReleaseByANonHolderWith409() {
      long token = acquire("alice", "src/Held.java", "").json().path("token").asLong();

      TestHttp.Reply renew =
          http.send(
              "POST", locks("renew"), "bob", "{\"resource\":\"src/Held.java\",\"leaseMs\":60000}");
      TestHttp.Reply release = command("bob", "release", "src/Held.java");

      assertErrorBody(renew, 409, "NOT_HOLDER");
      assertErrorBody(release, 409, "NOT_HOLDER");
      assertThat(status("src/Held.java").json().path("holders").get(0).path("token").asLong())
          .isEqualTo(token);
    }

    @Test
    void shouldRenewForTheHolderKeepingTheToken() {
      TestHttp.Reply granted = acquire("alice", "src/Renew.java", ",\"leaseMs\":10000");

      TestHttp.Reply renewed =
          http.send(
              "POST",
              locks("renew"),
              "alice",
              "{\"resource\":\"src/Renew.java\",\"leaseMs\":600000}");

      assertThat(renewed.status()).as(renewed.raw()).isEqualTo(200);
      assertThat(renewed.json().path("token").asLong())
          .isEqualTo(granted.json().path("token").asLong());
      assertThat(renewed.json().path("mode").asText()).isEqualTo("EXCLUSIVE");
      assertThat(Instant.parse(renewed.json().path("leaseDeadline").asText()))
          .isAfter(Instant.parse(granted.json().path("leaseDeadline").asText()));
    }
  }

  @Nested
  class BadRequests {
    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "/etc/passwd", "src//App.java", "src/./App.java"})
    void shouldAnswer400ForABadResource(String resource) {
      assertErrorBody(acquire("alice", resource, ""), 400, "INVALID");
      assertErrorBody(command("alice", "release", resource), 400, "INVALID");
      assertErrorBody(status(URLEncoder.encode(resource, StandardCharsets.UTF_8)), 400, "INVALID");
    }

    @Test
    void shouldAnswer400ForALeaseAboveTheServersMaximum() {
      TestHttp.Reply reply = acquire("alice", "src/Long.java", ",\"leaseMs\":86400000");

      assertErrorBody(reply, 400, "INVALID");
      assertThat(reply.json().path("message").asText()).contains("lease");
    }
  }

  @Nested
  class Decisions {
    @Test
    void shouldNumberDecisionsAndRejectAnUnknownSupersedes() {
      String path = "/v1/decisions/" + workspace + "-adr";

      TestHttp.Reply first =
          http.send(
              "POST",
              path,
              "alice",
              "{\"title\":\"Use Kafka\",\"context\":\"many agents\",\"decision\":\"Kafka is the"
                  + " log\"}");
      TestHttp.Reply second =
          http.send(
              "POST",
              path,
              "bob",
              "{\"title\":\"Use RocksDB\",\"decision\":\"state in RocksDB\",\"supersedes\":1,"
                  + "\"task\":\"t-1\"}");
      TestHttp.Reply unknown =
          http.send("POST", path, "bob", "{\"title\":\"x\",\"decision\":\"y\",\"supersedes\":9}");

      assertThat(first.status()).as(first.raw()).isEqualTo(201);
      assertThat(first.json().path("version").asLong()).isEqualTo(1);
      assertThat(first.json().path("state").path("number").asInt()).isEqualTo(1);
      assertThat(first.json().path("state").path("context").asText()).isEqualTo("many agents");
      assertThat(second.status()).as(second.raw()).isEqualTo(201);
      assertThat(second.json().path("version").asLong()).isEqualTo(2);
      assertThat(second.json().path("state").path("supersedes").asInt()).isEqualTo(1);
      assertThat(second.json().path("state").path("taskId").asText()).isEqualTo("t-1");
      assertErrorBody(unknown, 404, "NOT_FOUND");
    }
  }

  @Nested
  class Cli {
    private CliRun baton(String agent, String... args) {
      return CliRun.of(withClient(agent, args));
    }

    private String[] withClient(String agent, String... args) {
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--server", base, "--agent", agent, "--workspace", workspace));
      return all.toArray(String[]::new);
    }

    private long token(CliRun run) {
      Matcher m = TOKEN.matcher(run.out());
      assertThat(m.find()).as(run.toString()).isTrue();
      return Long.parseLong(m.group(1));
    }

    @Test
    void shouldQueueTheSecondShellShowItsPositionAndGrantItAHigherTokenOnRelease()
        throws Exception {
      String[] acquire = {
        "lock", "acquire", "src/App.java", "--mode", "exclusive", "--wait", "30s"
      };
      CliRun first = baton("cli-alice", acquire);
      assertThat(first.exitCode()).as(first.toString()).isZero();
      assertThat(first.out()).startsWith("lock src/App.java granted: EXCLUSIVE, token ");

      WatchedWriter secondErr = new WatchedWriter();
      CompletableFuture<CliRun> second =
          CompletableFuture.supplyAsync(() -> CliRun.of(secondErr, withClient("cli-bob", acquire)));
      secondErr.await("position 1 of 1", AWAIT);
      assertThat(second).as("still waiting in the queue").isNotDone();
      CliRun released = baton("cli-alice", "lock", "release", "src/App.java");

      assertThat(released.exitCode()).as(released.toString()).isZero();
      assertThat(released.out()).startsWith("lock src/App.java released (token " + token(first));
      CliRun granted = second.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(granted.exitCode()).as(granted.toString()).isZero();
      assertThat(granted.err())
          .contains("waiting for lock src/App.java: position 1 of 1, held by cli-alice");
      assertThat(granted.out()).startsWith("lock src/App.java granted: EXCLUSIVE, token ");
      assertThat(token(granted)).isGreaterThan(token(first));
    }

    @Test
    void shouldExit1OnLockedAndExpired() {
      assertThat(
              baton("cli-alice", "lock", "acquire", "src/Cli.java", "--mode", "exclusive")
                  .exitCode())
          .isZero();

      CliRun locked = baton("cli-bob", "lock", "acquire", "src/Cli.java", "--mode", "exclusive");
      CliRun expired =
          baton(
              "cli-bob",
              "lock",
              "acquire",
              "src/Cli.java",
              "--mode",
              "exclusive",
              "--wait",
              "500ms");

      assertThat(locked.exitCode()).as(locked.toString()).isEqualTo(1);
      assertThat(locked.err()).contains("rejected: LOCKED", "holder", "cli-alice EXCLUSIVE");
      assertThat(expired.exitCode()).as(expired.toString()).isEqualTo(1);
      assertThat(expired.err()).contains("rejected: EXPIRED");
    }

    @Test
    void shouldRenewShowTheStatusAndRefuseANonHolder() {
      CliRun granted =
          baton(
              "cli-alice",
              "lock",
              "acquire",
              "src/Status.java",
              "--mode",
              "exclusive",
              "--lease",
              "30s",
              "--json");
      assertThat(granted.exitCode()).as(granted.toString()).isZero();

      CliRun renewed = baton("cli-alice", "lock", "renew", "src/Status.java", "--lease", "2m");
      CliRun shown = baton("cli-carol", "lock", "status", "src/Status.java");
      CliRun refused = baton("cli-bob", "lock", "renew", "src/Status.java");
      CliRun cancel = baton("cli-bob", "lock", "cancel", "src/Status.java");

      assertThat(granted.out()).contains("\"resource\" : \"src/Status.java\"", "\"token\" : ");
      assertThat(renewed.exitCode()).as(renewed.toString()).isZero();
      assertThat(renewed.out()).startsWith("lock src/Status.java renewed: token ");
      assertThat(shown.exitCode()).as(shown.toString()).isZero();
      assertThat(shown.out()).contains("lock src/Status.java v", "holder", "cli-alice EXCLUSIVE");
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err()).contains("rejected: NOT_HOLDER");
      assertThat(cancel.exitCode()).isEqualTo(1);
      assertThat(cancel.err()).contains("NOT_FOUND");
    }

    @Test
    void shouldRecordDecisions() {
      String[] record = {"decision", "record", "--title", "T", "--decision", "D"};
      List<String> args = new ArrayList<>(List.of(record));
      args.addAll(
          List.of("--server", base, "--agent", "cli-alice", "--workspace", workspace + "-cli"));

      CliRun first = CliRun.of(args.toArray(String[]::new));
      args.addAll(List.of("--supersedes", "1"));
      CliRun second = CliRun.of(args.toArray(String[]::new));

      assertThat(first.out().strip()).as(first.toString()).isEqualTo("decision 1 recorded");
      assertThat(second.out().strip())
          .as(second.toString())
          .isEqualTo("decision 2 recorded (supersedes 1)");
    }
  }
}
