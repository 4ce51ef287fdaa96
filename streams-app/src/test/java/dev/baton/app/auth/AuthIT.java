package dev.baton.app.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.CliRun;
import dev.baton.app.config.AppConfig;
import dev.baton.app.http.HttpApi;
import dev.baton.app.http.TestHttp;
import dev.baton.app.testing.ChildNodes;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.protocol.Json;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens on a real node: impersonation attempts write nothing to the log, the trial's sequence (B
 * releasing A's lock as A) is refused, and a revocation made through one gateway is enforced by a
 * second gateway with its own token registry reading the same topic.
 */
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {
  private static final Logger LOG = LoggerFactory.getLogger(AuthIT.class);
  private static final String OPERATOR = "operator-token-" + UUID.randomUUID();

  private TestBaton baton;
  private TestHttp http;
  private final String ws = "ws-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  void start(@TempDir Path dataDir) {
    baton =
        TestBaton.start(
            dataDir, Map.of(AppConfig.AUTH_ENABLED, true, AppConfig.AUTH_ADMIN_TOKEN, OPERATOR));
    http = new TestHttp(baton.httpBase());
  }

  @AfterAll
  void stop() {
    if (baton != null) {
      baton.close();
    }
  }

  private String create(String agent, String workspace) {
    TestHttp.Reply reply =
        http.send(
            "POST",
            "/v1/tokens",
            null,
            "{\"agent\":\"" + agent + "\",\"workspaces\":[\"" + workspace + "\"]}",
            Map.of("Authorization", "Bearer " + OPERATOR));
    assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
    return reply.json().path("token").asText();
  }

  private TestHttp.Reply send(String token, String agent, String method, String path, String body) {
    return http.send(
        method,
        path,
        agent,
        body,
        token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void shouldWriteNothingForImpersonationAttempts() {
    String a = create("agentA", ws);
    String b = create("agentB", ws);
    String lock = "{\"resource\":\"file/src/A.java\",\"mode\":\"EXCLUSIVE\",\"waitMs\":0}";
    String release = "{\"resource\":\"file/src/A.java\"}";
    TestHttp.Reply granted = send(a, null, "POST", "/v1/locks/" + ws + "/acquire", lock);
    assertThat(granted.status()).as(granted.raw()).isEqualTo(200);
    long eventsBefore = countEvents();

    List<Integer> statuses = new ArrayList<>();
    // The trial: B releases A's lock as A.
    statuses.add(send(b, "agentA", "POST", "/v1/locks/" + ws + "/release", release).status());
    statuses.add(send(null, "agentA", "POST", "/v1/locks/" + ws + "/release", release).status());
    statuses.add(
        send(b.substring(0, b.length() - 2), null, "POST", "/v1/locks/" + ws + "/release", release)
            .status());
    statuses.add(send(a, null, "POST", "/v1/locks/other-" + ws + "/acquire", lock).status());
    statuses.add(
        send(
                "bt1.0123456789abcdef." + "x".repeat(43),
                null,
                "POST",
                "/v1/tasks/" + ws,
                "{\"id\":\"t-x\",\"title\":\"x\"}")
            .status());

    assertThat(statuses).containsExactly(403, 401, 401, 403, 401);
    // A write that is let through, so that the events topic has moved past every attempt.
    TestHttp.Reply own =
        send(a, null, "POST", "/v1/tasks/" + ws, "{\"id\":\"t-own\",\"title\":\"x\"}");
    assertThat(own.status()).as(own.raw()).isEqualTo(201);
    await("the own task's event", () -> countEvents() > eventsBefore);
    assertThat(countEvents()).isEqualTo(eventsBefore + 1);
    TestHttp.Reply status =
        send(a, null, "GET", "/v1/locks/" + ws + "?resource=file/src/A.java", null);
    assertThat(status.json().path("holders").toString()).contains("agentA");
  }

  @Test
  void shouldLetOnlyAnAdminForceReleaseAnotherAgentsLockAndAuditIt() throws Exception {
    String holder = create("agentF1", ws);
    String waiter = create("agentF2", ws);
    String task = "t-force";
    assertThat(
            send(
                    holder,
                    null,
                    "POST",
                    "/v1/tasks/" + ws,
                    "{\"id\":\"" + task + "\",\"title\":\"x\"}")
                .status())
        .isEqualTo(201);
    String lock = "{\"resource\":\"task/" + task + "\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":60000";
    TestHttp.Reply granted =
        send(holder, null, "POST", "/v1/locks/" + ws + "/acquire", lock + ",\"waitMs\":0}");
    assertThat(granted.status()).as(granted.raw()).isEqualTo(200);
    long oldToken = granted.json().path("token").asLong();
    TestHttp.Reply queued =
        send(
            waiter,
            null,
            "POST",
            "/v1/locks/" + ws + "/acquire",
            lock + ",\"waitMs\":60000,\"async\":true}");
    assertThat(queued.status()).as(queued.raw()).isEqualTo(202);
    String force =
        "{\"resource\":\"task/" + task + "\",\"holder\":\"agentF1\",\"reason\":\"stuck\"}";
    long eventsBefore = countEvents();

    // An agent token may not force-release, not even the waiter that would gain from it.
    TestHttp.Reply refused =
        send(waiter, null, "POST", "/v1/locks/" + ws + "/force-release", force);
    assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
    assertThat(refused.json().path("error").asText()).isEqualTo("FORBIDDEN");
    CliRun refusedCli =
        CliRun.of(
            "lock",
            "release",
            "task/" + task,
            "--force",
            "--workspace",
            ws,
            "--server",
            baton.httpBase(),
            "--token",
            holder);
    assertThat(refusedCli.exitCode()).isEqualTo(1);
    assertThat(refusedCli.err()).contains("FORBIDDEN").doesNotContain(holder);

    TestHttp.Reply forced =
        send(OPERATOR, null, "POST", "/v1/locks/" + ws + "/force-release", force);
    assertThat(forced.status()).as(forced.raw()).isEqualTo(200);

    // Exactly the admin's release and the waiter's grant reached the log: the refusals wrote
    // nothing.
    await("the forced release and the grant", () -> countEvents() >= eventsBefore + 2);
    assertThat(countEvents()).isEqualTo(eventsBefore + 2);
    JsonNode released =
        events().stream()
            .filter(e -> e.path("type").asText().equals("lock.released"))
            .filter(e -> e.path("data").has("forced"))
            .filter(e -> e.path("key").asText().equals(ws + "/task/" + task))
            .findFirst()
            .orElseThrow();
    assertThat(released.path("agent").asText()).isEqualTo(Authenticator.OPERATOR_AGENT);
    assertThat(released.path("data").path("forced").path("by").asText())
        .isEqualTo(Authenticator.OPERATOR_AGENT);
    assertThat(released.path("data").path("forced").path("reason").asText()).isEqualTo("stuck");
    JsonNode former = released.path("data").path("forced").path("holders").get(0);
    assertThat(former.path("agent").asText()).isEqualTo("agentF1");
    assertThat(former.path("token").asLong()).isEqualTo(oldToken);
    assertThat(released.toString()).doesNotContain(OPERATOR);

    // The waiter holds it now with a newer token; the former holder's fenced write is refused.
    JsonNode status =
        send(waiter, null, "GET", "/v1/locks/" + ws + "?resource=task/" + task, null).json();
    assertThat(status.path("holders").get(0).path("agent").asText()).isEqualTo("agentF2");
    assertThat(status.path("holders").get(0).path("token").asLong()).isGreaterThan(oldToken);
    TestHttp.Reply fenced =
        send(
            holder,
            null,
            "PATCH",
            "/v1/tasks/" + ws + "/" + task,
            "{\"title\":\"late\",\"fenceToken\":" + oldToken + "}");
    assertThat(fenced.status()).as(fenced.raw()).isEqualTo(409);
    assertThat(fenced.json().path("error").asText()).isEqualTo("FENCED");
  }

  @Test
  void shouldAnswerWhoAmIWithTheTokensIdentityButNeverItsSecret() {
    String token = create("agentW", ws);

    TestHttp.Reply me = send(token, null, "GET", "/v1/whoami", null);

    // The token's workspace is not default, and the route names none: it is not held to one.
    assertThat(me.status()).as(me.raw()).isEqualTo(200);
    assertThat(me.json().path("auth").asBoolean()).isTrue();
    assertThat(me.json().path("agent").asText()).isEqualTo("agentW");
    assertThat(me.json().path("role").asText()).isEqualTo("agent");
    assertThat(me.json().path("workspaces").toString()).isEqualTo("[\"" + ws + "\"]");
    assertThat(me.json().path("expired").asBoolean()).isFalse();
    assertThat(me.json().path("id").asText())
        .isEqualTo(TokenSecrets.parse(token).orElseThrow().id());
    assertThat(me.raw()).doesNotContain(token).doesNotContain("hash").doesNotContain("salt");
    TestHttp.Reply operator = send(OPERATOR, null, "GET", "/v1/whoami", null);
    assertThat(operator.json().path("agent").asText()).isEqualTo(Authenticator.OPERATOR_AGENT);
    assertThat(operator.json().path("role").asText()).isEqualTo("admin");
    assertThat(operator.raw()).doesNotContain(OPERATOR);
    assertThat(send(null, null, "GET", "/v1/whoami", null).status()).isEqualTo(401);
  }

  @Test
  void shouldTakeTheAgentOfTheGuardFromTheToken(@TempDir Path repo) throws Exception {
    String holder = create("agentG1", ws);
    String other = create("agentG2", ws);
    Path dir = repo.toRealPath();
    assertThat(git(dir, "init", "-q")).isZero();
    Files.writeString(dir.resolve("g.txt"), "g\n");
    assertThat(git(dir, "add", "g.txt")).isZero();
    TestHttp.Reply granted =
        send(
            holder,
            null,
            "POST",
            "/v1/locks/" + ws + "/acquire",
            "{\"resource\":\"file/g.txt\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":60000}");
    assertThat(granted.status()).as(granted.raw()).isEqualTo(200);

    // No --agent: the holder's own token lets its commit through, another agent's does not.
    CliRun own = guard(dir, holder);
    CliRun refused = guard(dir, other);

    assertThat(own.exitCode()).as(own.toString()).isZero();
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.err()).contains("g.txt is held by agentG1").contains("(you are agentG2)");
  }

  @Test
  void shouldSetUpCodexToSendTheTokenWhenTheNodeAsksForOne(@TempDir Path repo) throws Exception {
    CliRun setup =
        CliRun.of(
            "agent", "setup", "codex", "--dir", repo.toString(), "--server", baton.httpBase());

    assertThat(setup.exitCode()).as(setup.toString()).isZero();
    assertThat(Files.readString(repo.resolve(".codex/config.toml")))
        .contains("[mcp_servers.baton]\nbearer_token_env_var = \"BATON_TOKEN\"\n");
  }

  private CliRun guard(Path dir, String token) {
    return CliRun.of(
        "agent",
        "guard",
        "--dir",
        dir.toString(),
        "--workspace",
        ws,
        "--server",
        baton.httpBase(),
        "--token",
        token);
  }

  private static int git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  @Test
  void shouldEnforceARevocationOnASecondGatewayWithinSeconds() throws Exception {
    String token = create("agentR", ws);
    String id = TokenSecrets.parse(token).orElseThrow().id();
    AppConfig config = baton.config();
    TokenRegistry registry = new TokenRegistry();
    try (TokenLog log =
            TokenLog.start(
                config.kafkaClientSettings(),
                config.tokensTopic(),
                registry,
                Duration.ofSeconds(30));
        HttpApi second =
            HttpApi.start(
                config.with(AppConfig.HTTP_PORT, 0),
                baton.service().streams(),
                baton.service().client(),
                List::of,
                null,
                new NodeTokens(
                    new Authenticator(registry, "", Clock.systemUTC()),
                    registry,
                    baton.service().tokens().orElseThrow().writer()))) {
      TestHttp other = new TestHttp("http://127.0.0.1:" + second.port());
      String path = "/v1/tasks/" + ws + "/t-none";
      assertThat(
              other
                  .send("GET", path, null, null, Map.of("Authorization", "Bearer " + token))
                  .status())
          .isEqualTo(404);

      TestHttp.Reply revoked =
          http.send(
              "DELETE",
              "/v1/tokens/" + id,
              null,
              null,
              Map.of("Authorization", "Bearer " + OPERATOR));
      assertThat(revoked.status()).as(revoked.raw()).isEqualTo(200);
      long start = System.nanoTime();
      await(
          "the second gateway refusing the revoked token",
          () ->
              other
                      .send("GET", path, null, null, Map.of("Authorization", "Bearer " + token))
                      .status()
                  == 401);
      LOG.info(
          "revocation enforced by the second gateway {} ms after the revoke was acknowledged",
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  @Test
  void shouldWriteAnOwnerOnlyAdminTokenThatWorks(@TempDir Path dir) throws Exception {
    NodeTokens tokens = baton.service().tokens().orElseThrow();
    String token = AdminTokenFile.ensure(dir, tokens);

    Path file = dir.resolve(AdminTokenFile.NAME);
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(send(token, null, "GET", "/v1/tokens", null).status()).isEqualTo(200);
    assertThat(AdminTokenFile.ensure(dir, tokens)).isEqualTo(token);
  }

  @Test
  void shouldWriteTheAdminTokenFileBeforeUpAnswersHttp(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    int port = ChildNodes.freePort();
    String base = "http://127.0.0.1:" + port;
    Map<String, String> env =
        new HashMap<>(ChildNodes.sharedSettings(KafkaTestCluster.uniqueTopicPrefix(), data));
    env.put("BATON_HTTP_PORT", String.valueOf(port));
    HttpClient client = HttpClient.newHttpClient();
    // Looked at right after each answer: written before the API listens, it is there by then.
    AtomicBoolean fileWhenFirstAnswered = new AtomicBoolean();
    try (ChildNodes children = new ChildNodes()) {
      children.start("up --auth", dir.resolve("up.log"), env, "up", "--auth");

      // The first answer of any kind (503 while the topology starts), not only health 200.
      children.await(
          "the HTTP API answers",
          () -> {
            boolean answered = ChildNodes.status(client, base + "/v1/health") != -1;
            fileWhenFirstAnswered.set(Files.exists(data.resolve(AdminTokenFile.NAME)));
            return answered;
          });
      assertThat(fileWhenFirstAnswered).as("admin.token on disk before HTTP answered").isTrue();
      children.await("health 200", () -> ChildNodes.status(client, base + "/v1/health") == 200);

      String token = Files.readString(data.resolve(AdminTokenFile.NAME)).strip();
      TestHttp.Reply listed =
          new TestHttp(base)
              .send("GET", "/v1/tokens", null, null, Map.of("Authorization", "Bearer " + token));
      assertThat(listed.status()).as(listed.raw()).isEqualTo(200);
    }
  }

  @Test
  void shouldManageTokensFromTheCliOverHttpAndStraightToTheTopic() throws Exception {
    String prefix = baton.config().values().get(AppConfig.TOPIC_PREFIX).toString();
    CliRun created =
        CliRun.of(
            "token",
            "create",
            "--bootstrap",
            baton.service().bootstrapServers(),
            "--topic-prefix",
            prefix,
            "--agent",
            "agentCli",
            "--workspace",
            ws,
            "--expires",
            "1d",
            "--json");
    assertThat(created.exitCode()).as(created.err()).isZero();
    JsonNode token = Json.mapper().readTree(created.out());
    assertThat(token.path("agent").asText()).isEqualTo("agentCli");
    String secret = token.path("token").asText();
    await(
        "the node reading the new token",
        () -> send(secret, null, "GET", "/v1/tasks/" + ws + "/t-none", null).status() == 404);

    CliRun listed =
        CliRun.of("token", "list", "--server", baton.httpBase(), "--token", OPERATOR, "--json");
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    assertThat(listed.out()).contains(token.path("id").asText()).doesNotContain(secret);

    CliRun revoked =
        CliRun.of(
            "token",
            "revoke",
            token.path("id").asText(),
            "--server",
            baton.httpBase(),
            "--token",
            OPERATOR);
    assertThat(revoked.exitCode()).as(revoked.err()).isZero();
    await(
        "the node refusing the revoked token",
        () -> send(secret, null, "GET", "/v1/tasks/" + ws + "/t-none", null).status() == 401);

    CliRun refused = CliRun.of("token", "list", "--server", baton.httpBase(), "--token", secret);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("UNAUTHORIZED").doesNotContain(secret);
  }

  @Test
  void shouldWatchEventsFromTheCliWithAToken() {
    send(OPERATOR, null, "POST", "/v1/tasks/" + ws, "{\"id\":\"t-watch\",\"title\":\"w\"}");
    CliRun watched =
        CliRun.of(
            "events",
            "watch",
            "--after",
            "beginning",
            "--count",
            "1",
            "--json",
            "--workspace",
            ws,
            "--server",
            baton.httpBase(),
            "--token",
            OPERATOR);
    assertThat(watched.exitCode()).as(watched.out() + watched.err()).isZero();
    assertThat(watched.out()).contains("\"type\":\"");
  }

  private long countEvents() {
    return events().size();
  }

  private List<JsonNode> events() {
    Map<String, Object> props = new java.util.HashMap<>(baton.config().kafkaClientSettings());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      String topic = baton.config().topics().events();
      List<TopicPartition> parts =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      List<JsonNode> events = new ArrayList<>();
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            events.add(Json.mapper().readTree(r.value()));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
      return events;
    }
  }
}
