package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.auth.Authenticator;
import dev.baton.app.auth.NodeTokens;
import dev.baton.app.auth.Role;
import dev.baton.app.auth.TokenRecord;
import dev.baton.app.auth.TokenRegistry;
import dev.baton.app.auth.TokenSecrets;
import dev.baton.app.auth.TokenStore;
import dev.baton.app.state.LockQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API with auth on, over a fake SDK client: every request that is not the token's own agent on
 * the token's own workspace is refused before a command is sent.
 */
@Timeout(60)
class AuthHttpTest {
  private static final String TASK = "{\"id\":\"t-1\",\"title\":\"x\"}";
  private static final String RELEASE = "{\"resource\":\"file/src/A.java\"}";

  private final FakeBatonClient sdk = new FakeBatonClient();
  private final TokenRegistry registry = new TokenRegistry();
  private final TokenStore store =
      new TokenStore() {
        @Override
        public void put(TokenRecord record) {
          registry.apply(record.id(), record);
        }

        @Override
        public void revoke(String id) {
          registry.apply(id, null);
        }
      };
  private HttpApi api;
  private TestHttp http;
  private String tokenA;
  private String tokenB;
  private String admin;

  @BeforeEach
  void start() {
    // Answered at once: these tests look at what was sent, not at the answer.
    sdk.answer(call -> CompletableFuture.failedFuture(new BatonTimeoutException("cmd-test", 1)));
    api =
        HttpApi.start(
            "127.0.0.1",
            0,
            () -> KafkaStreams.State.RUNNING,
            new TaskQueries(new InMemoryTaskStores(3)),
            new LockQueries(new InMemoryLockStores()),
            sdk.client(),
            new NodeTokens(new Authenticator(registry, "", Clock.systemUTC()), registry, store),
            AgentLimits.Limits.NONE);
    http = new TestHttp("http://127.0.0.1:" + api.port());
    tokenA = issue("agentA", List.of("ws-a"), Role.AGENT, null);
    tokenB = issue("agentB", List.of("ws-b"), Role.AGENT, null);
    admin = issue("boss", List.of("*"), Role.ADMIN, null);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private String issue(String agent, List<String> workspaces, Role role, Duration lifetime) {
    TokenSecrets.Issued issued =
        TokenSecrets.mint(agent, workspaces, role, lifetime, Instant.now(), "test");
    store.put(issued.record());
    return issued.token();
  }

  private TestHttp.Reply as(
      String token, String agentHeader, String method, String path, String body) {
    return http.send(
        method,
        path,
        agentHeader,
        body,
        token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
  }

  private void assertRefused(TestHttp.Reply reply, int status, String error) {
    assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
    assertThat(reply.error()).as(reply.raw()).isEqualTo(error);
    assertThat(sdk.calls()).as("no command may be sent").isEmpty();
    if (status == 401) {
      assertThat(reply.headers().firstValue("WWW-Authenticate"))
          .get()
          .asString()
          .startsWith("Bearer realm=\"baton\"");
    }
  }

  @Nested
  class Impersonation {
    @Test
    void shouldRefuseBReleasingAsLockAsA() {
      assertRefused(
          as(tokenB, "agentA", "POST", "/v1/locks/ws-a/release", RELEASE), 403, "FORBIDDEN");
    }

    @Test
    void shouldRefuseAHeaderThatDisagreesWithTheToken() {
      assertRefused(as(tokenB, "agentA", "POST", "/v1/tasks/ws-b", TASK), 403, "FORBIDDEN");
    }

    @Test
    void shouldRefuseAnotherWorkspace() {
      assertRefused(as(tokenB, "agentB", "POST", "/v1/tasks/ws-a", TASK), 403, "FORBIDDEN");
      assertRefused(
          as(tokenB, null, "GET", "/v1/locks/ws-a?resource=file/x", null), 403, "FORBIDDEN");
      assertRefused(as(tokenB, null, "GET", "/v1/tasks?workspace=ws-a", null), 403, "FORBIDDEN");
      assertRefused(as(tokenB, null, "GET", "/v1/tasks", null), 403, "FORBIDDEN");
    }

    @Test
    void shouldRefuseHooksAndMcpOnAnotherWorkspace() {
      TestHttp.Reply hook =
          http.send(
              "POST",
              "/v1/hooks/codex",
              null,
              "{}",
              Map.of("Authorization", "Bearer " + tokenB, "X-Baton-Workspace", "ws-a"));
      assertRefused(hook, 403, "FORBIDDEN");
    }

    @Test
    void shouldRefuseAnAbsentToken() {
      assertRefused(
          as(null, "agentA", "POST", "/v1/locks/ws-a/release", RELEASE), 401, "UNAUTHORIZED");
      assertRefused(as(null, null, "GET", "/v1/tasks/ws-a/t-1", null), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldRefuseATruncatedOrAlteredToken() {
      assertRefused(
          as(tokenA.substring(0, tokenA.length() - 1), null, "POST", "/v1/tasks/ws-a", TASK),
          401,
          "UNAUTHORIZED");
      char last = tokenA.charAt(tokenA.length() - 1);
      String altered = tokenA.substring(0, tokenA.length() - 1) + (last == 'A' ? 'B' : 'A');
      assertRefused(as(altered, null, "POST", "/v1/tasks/ws-a", TASK), 401, "UNAUTHORIZED");
      // B's secret under A's id.
      String swapped = tokenA.substring(0, 21) + tokenB.substring(21);
      assertRefused(as(swapped, null, "POST", "/v1/tasks/ws-a", TASK), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldRefuseARevokedToken() {
      store.revoke(TokenSecrets.parse(tokenA).orElseThrow().id());

      assertRefused(as(tokenA, null, "POST", "/v1/tasks/ws-a", TASK), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldRefuseAnExpiredToken() {
      TokenSecrets.Issued old =
          TokenSecrets.mint(
              "agentA",
              List.of("ws-a"),
              Role.AGENT,
              Duration.ofSeconds(1),
              Instant.now().minusSeconds(10),
              "test");
      store.put(old.record());

      TestHttp.Reply reply = as(old.token(), null, "POST", "/v1/tasks/ws-a", TASK);
      assertRefused(reply, 401, "UNAUTHORIZED");
      assertThat(reply.json().path("message").asText()).contains("expired");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "Bearer",
          "Bearer ",
          "bearer x",
          "Basic YWdlbnRBOnNlY3JldA==",
          "Bearer bt1.",
          "Bearer bt1.0000000000000000.",
          "Bearer bt1.ZZZZZZZZZZZZZZZZ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
          "Bearer bt1.0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
          "Token abc",
          "Bearer \u00e9\u00e9\u00e9"
        })
    void shouldRefuseMalformedAuthorizationValues(String value) {
      assertRefused(
          http.send("POST", "/v1/tasks/ws-a", null, TASK, Map.of("Authorization", value)),
          401,
          "UNAUTHORIZED");
    }

    @Test
    void shouldRefuseAFuzzOfAuthorizationValues() {
      Random random = new Random(13);
      String alphabet = "abcdefABCDEF0123456789._-+/= bt1Bearer\t";
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        StringBuilder value = new StringBuilder(random.nextBoolean() ? "Bearer " : "");
        int length = random.nextInt(80);
        for (int j = 0; j < length; j++) {
          value.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        if (random.nextInt(4) == 0) {
          value.append(tokenA, 0, random.nextInt(tokenA.length()));
        }
        String header = value.toString().strip();
        if (header.isEmpty() || header.equals("Bearer " + tokenA)) {
          continue;
        }
        statuses.add(
            http.send("POST", "/v1/tasks/ws-a", null, TASK, Map.of("Authorization", header))
                .status());
      }
      assertThat(statuses).isNotEmpty().containsOnly(401);
      assertThat(sdk.calls()).isEmpty();
    }
  }

  @Nested
  class Admitted {
    @Test
    void shouldActAsTheTokensAgentWithoutTheHeader() {
      as(tokenA, null, "POST", "/v1/locks/ws-a/release", RELEASE);

      assertThat(sdk.calls())
          .singleElement()
          .satisfies(
              call -> {
                assertThat(call.agent()).isEqualTo("agentA");
                assertThat(call.workspace()).isEqualTo("ws-a");
              });
    }

    @Test
    void shouldAcceptTheHeaderWhenItNamesTheTokensAgent() {
      as(tokenA, "agentA", "POST", "/v1/tasks/ws-a", TASK);

      assertThat(sdk.calls())
          .singleElement()
          .extracting(FakeBatonClient.Call::agent)
          .isEqualTo("agentA");
    }

    @Test
    void shouldServeHealthWithoutAToken() {
      assertThat(http.get("/v1/health").status()).isEqualTo(200);
    }
  }

  @Nested
  class TokenRoutes {
    @Test
    void shouldLetOnlyAdminsManageTokens() {
      TestHttp.Reply reply =
          as(
              tokenA,
              null,
              "POST",
              "/v1/tokens",
              "{\"agent\":\"agentA\",\"workspaces\":[\"ws-b\"]}");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(403);
      assertThat(as(tokenA, null, "GET", "/v1/tokens", null).status()).isEqualTo(403);
      assertThat(registry.all()).hasSize(3);
    }

    @Test
    void shouldCreateListAndRevoke() {
      TestHttp.Reply created =
          as(
              admin,
              null,
              "POST",
              "/v1/tokens",
              "{\"agent\":\"agentC\",\"workspaces\":[\"ws-c\"],\"expires\":\"30d\"}");
      assertThat(created.status()).as(created.raw()).isEqualTo(201);
      String token = created.json().path("token").asText();
      String id = created.json().path("id").asText();
      assertThat(created.json().path("agent").asText()).isEqualTo("agentC");
      assertThat(created.json().path("expires").isNull()).isFalse();

      as(token, null, "POST", "/v1/tasks/ws-c", TASK);
      assertThat(sdk.calls())
          .singleElement()
          .extracting(FakeBatonClient.Call::agent)
          .isEqualTo("agentC");

      TestHttp.Reply list = as(admin, null, "GET", "/v1/tokens", null);
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.json().path("tokens")).hasSize(4);
      assertThat(list.raw())
          .doesNotContain(token.substring(21))
          .doesNotContain("hash")
          .doesNotContain("salt");

      assertThat(as(admin, null, "DELETE", "/v1/tokens/" + id, null).status()).isEqualTo(200);
      assertThat(as(token, null, "POST", "/v1/tasks/ws-c", TASK).status()).isEqualTo(401);
      assertThat(as(admin, null, "DELETE", "/v1/tokens/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void shouldRefuseABadRequestNamingTheField() {
      TestHttp.Reply reply =
          as(
              admin,
              null,
              "POST",
              "/v1/tokens",
              "{\"agent\":\"agentC\",\"workspaces\":[\"ws-c\"],\"expires\":\"soon\"}");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
      assertThat(reply.json().path("message").asText()).contains("expires");
    }
  }

  @Nested
  class IdempotencyKeysPerAgent {
    private TestHttp.Reply patch(String token, String body, String key) {
      return http.send(
          "PATCH",
          "/v1/tasks/ws-a/t-1",
          null,
          body,
          Map.of("Authorization", "Bearer " + token, "Idempotency-Key", key));
    }

    @Test
    void shouldRefuseAKeyReusedWithAnotherBody() {
      patch(tokenA, "{\"title\":\"one\",\"description\":\"d\"}", "k-1");
      TestHttp.Reply reused = patch(tokenA, "{\"title\":\"two\"}", "k-1");

      assertThat(reused.status()).as(reused.raw()).isEqualTo(422);
      assertThat(reused.error()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
      assertThat(sdk.calls()).hasSize(1);
    }

    @Test
    void shouldPassARetryWithTheSameBodyInAnotherLayout() {
      patch(tokenA, "{\"title\":\"one\",\"description\":\"d\"}", "k-2");
      patch(tokenA, "{ \"description\": \"d\", \"title\": \"one\" }", "k-2");

      assertThat(sdk.calls()).hasSize(2);
      assertThat(sdk.calls().get(0).options().commandId())
          .isEqualTo(sdk.calls().get(1).options().commandId());
    }

    @Test
    void shouldScopeKeysPerAuthenticatedAgent() {
      String otherA = issue("agentC", List.of("ws-a"), Role.AGENT, null);
      patch(tokenA, "{\"title\":\"one\"}", "k-3");
      patch(otherA, "{\"title\":\"two\"}", "k-3");

      assertThat(sdk.calls()).hasSize(2);
      assertThat(sdk.calls().get(0).options().commandId())
          .isNotEqualTo(sdk.calls().get(1).options().commandId());
    }
  }
}
