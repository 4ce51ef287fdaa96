package dev.baton.app.cli.lock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.CliRun;
import dev.baton.app.cli.FakeBatonServer;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code baton lock} verbs against a fake server: requests sent, output, exit codes. */
@Timeout(60)
class LockCliTest {
  private static final String LOCK =
      "{\"resource\":\"src/App.java\",\"workspace\":\"ws-1\",\"key\":\"ws-1/lock/src/App.java\","
          + "\"holders\":[{\"agent\":\"alice\",\"requestId\":\"r-1\",\"mode\":\"EXCLUSIVE\","
          + "\"token\":7,\"leaseMs\":60000,\"grantedAt\":\"2025-01-01T00:00:00Z\","
          + "\"leaseDeadline\":\"2025-01-01T00:01:00Z\"}],"
          + "\"queue\":[{\"agent\":\"bob\",\"requestId\":\"r-2\",\"mode\":\"EXCLUSIVE\","
          + "\"leaseMs\":60000,\"enqueuedAt\":\"2025-01-01T00:00:01Z\","
          + "\"waitDeadline\":\"2025-01-01T00:00:31Z\",\"replyTo\":{\"partition\":1}}],"
          + "\"lastToken\":7,\"version\":3,\"updatedAt\":\"2025-01-01T00:00:01Z\"}";
  private static final String GRANT =
      "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"commandId\":\"c-1\","
          + "\"commandType\":\"lock.acquire\",\"key\":\"ws-1/lock/src/App.java\","
          + "\"status\":\"GRANTED\",\"code\":\"OK\",\"message\":\"granted\",\"version\":4,"
          + "\"token\":8,\"holders\":[\"agent-7\"],\"leaseDeadline\":\"2025-01-01T00:02:00Z\"}";
  private static final String LOCKED =
      "{\"error\":\"LOCKED\",\"message\":\"lock ws-1/lock/src/App.java is held by alice"
          + " (EXCLUSIVE)\",\"code\":\"LOCKED\",\"commandId\":\"c-2\",\"version\":3,\"state\":"
          + LOCK
          + "}";

  private FakeBatonServer server;

  @BeforeEach
  void start() throws IOException {
    server = new FakeBatonServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Runs {@code baton lock <args>} against the fake server as agent-7 in ws-1. */
  private CliRun lock(String... args) {
    return CliRun.of(lockArgs(args));
  }

  private String[] lockArgs(String... args) {
    List<String> all = new ArrayList<>(List.of("lock"));
    all.addAll(Arrays.asList(args));
    all.addAll(List.of("--server", server.url(), "--agent", "agent-7", "--workspace", "ws-1"));
    return all.toArray(String[]::new);
  }

  private void assertUsageError(String mentioned, String... args) {
    CliRun contract = CliRun.withPicocliDefaults(args);
    CliRun real = CliRun.of(args);

    assertThat(contract.exitCode()).as(contract.toString()).isEqualTo(2);
    assertThat(contract.err()).contains(mentioned);
    assertThat(real.exitCode()).as(real.toString()).isNotZero();
    assertThat(server.requests()).isEmpty();
  }

  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  @Nested
  class Acquire {
    @Test
    void shouldLongPollWithTheLeaseAndWaitAndPrintTheGrant() {
      server.answer("POST", 200, GRANT).answer("GET", 200, LOCK);

      CliRun run =
          lock("acquire", "src/App.java", "--mode", "exclusive", "--lease", "60s", "--wait", "30s");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out().strip())
          .isEqualTo(
              "lock src/App.java granted: EXCLUSIVE, token 8, lease until 2025-01-01T00:02:00Z");
      FakeBatonServer.Request request = server.lastRequest("POST");
      assertThat(request.pathAndQuery()).isEqualTo("/v1/locks/ws-1/acquire");
      assertThat(request.agent()).isEqualTo("agent-7");
      assertThat(json(request.body()))
          .isEqualTo(
              json(
                  "{\"resource\":\"src/App.java\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":60000,"
                      + "\"waitMs\":30000}"));
    }

    @Test
    void shouldTryOnceByDefaultWithoutWatchingTheQueue() {
      server.answer(200, GRANT);

      CliRun run = lock("acquire", "task/t-1", "--mode", "COLLABORATIVE");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(server.requests()).hasSize(1);
      assertThat(json(server.lastRequest().body()))
          .isEqualTo(json("{\"resource\":\"task/t-1\",\"mode\":\"COLLABORATIVE\",\"waitMs\":0}"));
    }

    @Test
    void shouldPrintTheGrantObjectWithJson() {
      server.answer(200, GRANT);

      CliRun run = lock("acquire", "src/App.java", "--mode", "exclusive", "--json");

      assertThat(run.exitCode()).isZero();
      JsonNode printed = json(run.out());
      assertThat(printed.path("resource").asText()).isEqualTo("src/App.java");
      assertThat(printed.path("mode").asText()).isEqualTo("EXCLUSIVE");
      assertThat(printed.path("token").asLong()).isEqualTo(8);
      assertThat(printed.path("leaseDeadline").asText()).isEqualTo("2025-01-01T00:02:00Z");
    }

    @Test
    void shouldReportLockedWithTheHoldersAndExit1() {
      server.answer(409, LOCKED);

      CliRun run = lock("acquire", "src/App.java", "--mode", "exclusive");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err())
          .contains("rejected: LOCKED: lock ws-1/lock/src/App.java is held by alice")
          .contains("lock src/App.java v3 EXCLUSIVE, last token 7")
          .contains("holder", "alice EXCLUSIVE, token 7")
          .contains("waiting #1", "bob EXCLUSIVE");
    }

    @Test
    void shouldReportAnExpiredWaitAndExit1() {
      server.answer(
          409,
          "{\"error\":\"EXPIRED\",\"message\":\"waited 500 ms for lock ws-1/lock/src/App.java"
              + " without a grant\",\"code\":\"EXPIRED\",\"state\":"
              + LOCK
              + "}");

      CliRun run = lock("acquire", "src/App.java", "--mode", "exclusive", "--wait", "500ms");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("rejected: EXPIRED: waited 500 ms");
    }

    @Test
    void shouldPrintTheRejectionAsJsonWithJson() {
      server.answer(409, LOCKED);

      CliRun run = lock("acquire", "src/App.java", "--mode", "exclusive", "--json");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(json(run.out()).path("code").asText()).isEqualTo("LOCKED");
    }

    @Test
    void shouldRequireAMode() {
      assertUsageError("--mode", lockArgs("acquire", "src/App.java"));
    }

    @Test
    void shouldRejectAnUnknownMode() {
      assertUsageError(
          "'shared' is not a lock mode", lockArgs("acquire", "src/App.java", "--mode", "shared"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "-1s", "1d", "soon", "5 s", "PT-1S"})
    void shouldRejectABadDuration(String duration) {
      assertUsageError(
          "is not a duration",
          lockArgs("acquire", "src/App.java", "--mode", "exclusive", "--wait", duration));
    }

    @Test
    void shouldRejectAZeroLease() {
      assertUsageError(
          "--lease", lockArgs("acquire", "src/App.java", "--mode", "exclusive", "--lease", "0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "a//b", "../x", "a\u0001b"})
    void shouldRejectABadResource(String resource) {
      assertUsageError("RESOURCE", lockArgs("acquire", resource, "--mode", "exclusive"));
    }
  }

  @Nested
  class RenewReleaseCancel {
    @Test
    void shouldRenewWithANewLease() {
      server.answer(200, GRANT.replace("GRANTED", "ACCEPTED"));

      CliRun run = lock("renew", "src/App.java", "--lease", "90s");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(server.lastRequest().pathAndQuery()).isEqualTo("/v1/locks/ws-1/renew");
      assertThat(json(server.lastRequest().body()))
          .isEqualTo(json("{\"resource\":\"src/App.java\",\"leaseMs\":90000}"));
      assertThat(run.out().strip())
          .isEqualTo("lock src/App.java renewed: token 8, lease until 2025-01-01T00:02:00Z");
    }

    @Test
    void shouldRelease() {
      server.answer(200, GRANT.replace("GRANTED", "ACCEPTED"));

      CliRun run = lock("release", "src/App.java");

      assertThat(run.exitCode()).isZero();
      assertThat(server.lastRequest().pathAndQuery()).isEqualTo("/v1/locks/ws-1/release");
      assertThat(json(server.lastRequest().body()))
          .isEqualTo(json("{\"resource\":\"src/App.java\"}"));
      assertThat(run.out().strip()).isEqualTo("lock src/App.java released (token 8)");
    }

    @Test
    void shouldCancel() {
      server.answer(
          200,
          "{\"resource\":\"src/App.java\",\"status\":\"ACCEPTED\",\"code\":\"OK\","
              + "\"message\":\"cancelled\"}");

      CliRun run = lock("cancel", "src/App.java");

      assertThat(run.exitCode()).isZero();
      assertThat(server.lastRequest().pathAndQuery()).isEqualTo("/v1/locks/ws-1/cancel");
      assertThat(run.out().strip()).isEqualTo("request for lock src/App.java cancelled");
    }

    @Test
    void shouldReportNotHolderAndExit1() {
      server.answer(
          409,
          "{\"error\":\"NOT_HOLDER\",\"message\":\"agent-7 does not hold lock"
              + " ws-1/lock/src/App.java; holders: [alice]\",\"code\":\"NOT_HOLDER\",\"state\":"
              + LOCK
              + "}");

      CliRun run = lock("release", "src/App.java");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("rejected: NOT_HOLDER: agent-7 does not hold lock");
    }
  }

  @Nested
  class Status {
    @Test
    void shouldShowHoldersAndQueue() {
      server.answer(200, LOCK);

      CliRun run = lock("status", "src/App.java");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(server.lastRequest().method()).isEqualTo("GET");
      assertThat(server.lastRequest().pathAndQuery())
          .isEqualTo("/v1/locks/ws-1?resource=src%2FApp.java");
      assertThat(run.out().lines())
          .containsExactly(
              "lock src/App.java v3 EXCLUSIVE, last token 7",
              "  holder     alice EXCLUSIVE, token 7, lease until 2025-01-01T00:01:00Z",
              "  waiting #1 bob EXCLUSIVE, waits until 2025-01-01T00:00:31Z");
    }

    @Test
    void shouldPrintTheLockWithJson() {
      server.answer(200, LOCK);

      CliRun run = lock("status", "src/App.java", "--json");

      assertThat(json(run.out()).path("lastToken").asLong()).isEqualTo(7);
    }

    @Test
    void shouldReportAnUnknownLockWithExit1() {
      server.answer(
          404, "{\"error\":\"NOT_FOUND\",\"message\":\"lock ws-1/lock/x does not exist\"}");

      CliRun run = lock("status", "x");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("error: NOT_FOUND: lock ws-1/lock/x does not exist");
    }
  }

  @Nested
  class Help {
    @ParameterizedTest
    @ValueSource(strings = {"acquire", "renew", "release", "cancel", "status"})
    void shouldOfferHelpOnEveryVerb(String verb) {
      CliRun run = CliRun.of("lock", verb, "--help");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).contains("Usage: baton lock " + verb, "--server", "--agent", "--json");
    }

    @Test
    void shouldRequireAVerb() {
      assertUsageError("a lock verb is required", "lock");
    }
  }
}
