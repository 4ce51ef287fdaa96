package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.agent.McpClients;
import dev.baton.app.cli.CliRun;
import dev.baton.app.http.TestHttp;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandCodec;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Fence;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.ParsedCommand;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire contract of every write door: each HTTP write route, each CLI write verb and each MCP
 * write tool is driven against a real node, and the command it produced is read back from the
 * commands topic (what the topology reads), so that every documented guard ({@code
 * expectedVersion}, {@code fenceToken}, {@code release}, {@code Idempotency-Key}) and every
 * documented field is seen to reach the command. Each request runs as an agent of its own, which
 * finds its command on the topic.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WireContractIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private TestBaton baton;
  private TestHttp http;
  private KafkaConsumer<String, byte[]> commands;
  private final List<Command> seen = new ArrayList<>();
  private final String ws = "ws-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  void start(@TempDir Path dataDir) {
    baton = TestBaton.start(dataDir, Map.of());
    http = new TestHttp(baton.httpBase());
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, baton.service().bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    commands = new KafkaConsumer<>(props);
    String topic = baton.config().topics().commands();
    List<TopicPartition> partitions =
        commands.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    commands.assign(partitions);
    commands.seekToBeginning(partitions);
  }

  @AfterAll
  void stop() {
    if (commands != null) {
      commands.close();
    }
    if (baton != null) {
      baton.close();
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The newest command of {@code type} sent for {@code agent}, waiting for it on the topic. */
  private Command command(String agent, CommandType type) {
    return await(c -> c.agent().equals(agent) && c.type() == type, agent + " " + type.wire());
  }

  /** The first {@code count} commands of {@code type} sent for {@code agent}, in log order. */
  private List<Command> commands(String agent, CommandType type, int count) {
    Predicate<Command> of = c -> c.agent().equals(agent) && c.type() == type;
    await(c -> of.test(c) && seen.stream().filter(of).count() >= count, count + " of " + type);
    return seen.stream().filter(of).limit(count).toList();
  }

  private Command await(Predicate<Command> wanted, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      for (int i = seen.size() - 1; i >= 0; i--) {
        if (wanted.test(seen.get(i))) {
          return seen.get(i);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no command on the topic for " + what + " within " + WAIT);
      }
      for (ConsumerRecord<String, byte[]> r : commands.poll(Duration.ofMillis(200))) {
        if (CommandCodec.parse(r.value()) instanceof ParsedCommand.Valid valid) {
          seen.add(valid.command());
        }
      }
    }
  }

  private TestHttp.Reply send(String method, String path, String agent, String body) {
    return send(method, path, agent, body, Map.of());
  }

  private TestHttp.Reply send(
      String method, String path, String agent, String body, Map<String, String> headers) {
    TestHttp.Reply reply = http.send(method, path, agent, body, headers);
    assertThat(reply.status()).as(method + " " + path + ": " + reply.raw()).isBetween(200, 299);
    return reply;
  }

  private String createTask(String agent) {
    String id = unique("t");
    send("POST", "/v1/tasks/" + ws, agent, "{\"id\":\"" + id + "\",\"title\":\"T\"}");
    return id;
  }

  /** Acquires {@code task/<id>} exclusively for {@code agent}; its token. */
  private long lockTask(String agent, String id) {
    return lockTask(agent, ws, id);
  }

  private long lockTask(String agent, String workspace, String id) {
    TestHttp.Reply grant =
        send(
            "POST",
            "/v1/locks/" + workspace + "/acquire",
            agent,
            "{\"resource\":\"task/" + id + "\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":60000}");
    return grant.json().path("token").asLong();
  }

  private JsonNode lockOf(String id) {
    return lockOf(ws, id);
  }

  private JsonNode lockOf(String workspace, String id) {
    return http.get("/v1/locks/" + workspace + "?resource=task%2F" + id).json();
  }

  private static void assertReleased(JsonNode lock) {
    assertThat(lock.path("holders").isEmpty()).as("holders of " + lock).isTrue();
  }

  private static void assertExact(JsonNode fields, String name, String number) {
    assertThat(fields.path(name).isNumber()).as(fields.toString()).isTrue();
    assertThat(fields.path(name).decimalValue()).isEqualTo(new BigDecimal(number));
  }

  @Nested
  class HttpRoutes {
    @Test
    void shouldCarryEveryFieldOfACreate() {
      String agent = unique("h-create");
      String id = unique("t");

      send(
          "POST",
          "/v1/tasks/" + ws,
          agent,
          "{\"id\":\""
              + id
              + "\",\"title\":\"T\",\"description\":\"D\",\"priority\":3,\"labels\":[\"a\"],"
              + "\"dependsOn\":[\"x\"],\"fields\":{\"big\":1e400,\"fine\":1.000000000000000000001,"
              + "\"long\":123456789012345678.5,\"tiny\":1e-400}}");

      JsonNode body = command(agent, CommandType.TASK_CREATE).body();
      assertThat(body.path("taskId").asText()).isEqualTo(id);
      assertThat(body.path("title").asText()).isEqualTo("T");
      assertThat(body.path("description").asText()).isEqualTo("D");
      assertThat(body.path("priority").asInt()).isEqualTo(3);
      assertThat(body.path("labels").toString()).isEqualTo("[\"a\"]");
      assertThat(body.path("dependsOn").toString()).isEqualTo("[\"x\"]");
      assertExact(body.path("fields"), "big", "1e400");
      assertExact(body.path("fields"), "fine", "1.000000000000000000001");
      assertExact(body.path("fields"), "long", "123456789012345678.5");
      assertExact(body.path("fields"), "tiny", "1e-400");
      JsonNode stored = http.get("/v1/tasks/" + ws + "/" + id).json().path("fields");
      assertExact(stored, "big", "1e400");
      assertExact(stored, "tiny", "1e-400");
    }

    @Test
    void shouldCarryTheIdempotencyKeyAsTheCommandId() {
      String agent = unique("h-idem");
      String id = unique("t");
      String body = "{\"id\":\"" + id + "\",\"title\":\"T\"}";

      send("POST", "/v1/tasks/" + ws, agent, body, Map.of("Idempotency-Key", "k-1"));
      send("POST", "/v1/tasks/" + ws, agent, body, Map.of("Idempotency-Key", "k-1"));

      List<Command> sent = commands(agent, CommandType.TASK_CREATE, 2);
      assertThat(sent.get(0).id()).startsWith("idem-").isEqualTo(sent.get(1).id());
    }

    @Test
    void shouldCarryTheGuardsOfAnUpdate() {
      String agent = unique("h-update");
      String id = createTask(agent);
      long token = lockTask(agent, id);

      send(
          "PATCH",
          "/v1/tasks/" + ws + "/" + id,
          agent,
          "{\"expectedVersion\":1,\"fenceToken\":"
              + token
              + ",\"release\":true,\"patch\":{\"title\":\"U\",\"fields\":{\"n\":1e400}}}");

      Command update = command(agent, CommandType.TASK_UPDATE);
      assertThat(update.expectedVersion()).isEqualTo(1L);
      assertThat(update.fence()).isEqualTo(new Fence("task/" + id, token));
      assertThat(update.body().path("release").asBoolean()).isTrue();
      assertThat(update.body().path("patch").path("title").asText()).isEqualTo("U");
      assertExact(update.body().path("patch").path("fields"), "n", "1e400");
      assertReleased(lockOf(id));
    }

    @Test
    void shouldCarryTheGuardsOfAClaim() {
      String agent = unique("h-claim");
      String id = createTask(agent);
      long token = lockTask(agent, id);

      send(
          "POST",
          "/v1/tasks/" + ws + "/" + id + "/claim",
          agent,
          "{\"expectedVersion\":1,\"fenceToken\":" + token + ",\"release\":true}");

      Command claim = command(agent, CommandType.TASK_CLAIM);
      assertThat(claim.expectedVersion()).isEqualTo(1L);
      assertThat(claim.fence()).isEqualTo(new Fence("task/" + id, token));
      assertThat(claim.body().path("release").asBoolean()).isTrue();
      assertReleased(lockOf(id));
    }

    /** The defect this test was written for: the transition route dropped {@code release}. */
    @Test
    void shouldReleaseTheLockWithATransition() {
      String agent = unique("h-transition");
      String id = createTask(agent);
      long token = lockTask(agent, id);

      send(
          "POST",
          "/v1/tasks/" + ws + "/" + id + "/transition",
          agent,
          "{\"to\":\"IN_PROGRESS\",\"reason\":\"go\",\"expectedVersion\":1,\"fenceToken\":"
              + token
              + ",\"release\":true}");

      Command transition = command(agent, CommandType.TASK_TRANSITION);
      assertThat(transition.expectedVersion()).isEqualTo(1L);
      assertThat(transition.fence()).isEqualTo(new Fence("task/" + id, token));
      assertThat(transition.body().path("to").asText()).isEqualTo("IN_PROGRESS");
      assertThat(transition.body().path("reason").asText()).isEqualTo("go");
      assertThat(transition.body().path("release").asBoolean()).isTrue();
      assertReleased(lockOf(id));
    }

    @Test
    void shouldCarryEveryFieldOfTheLockRoutes() {
      String agent = unique("h-lock");
      String resource = "src/" + unique("f") + ".java";

      send(
          "POST",
          "/v1/locks/" + ws + "/acquire",
          agent,
          "{\"resource\":\"" + resource + "\",\"mode\":\"COLLABORATIVE\",\"leaseMs\":45000}");
      send(
          "POST",
          "/v1/locks/" + ws + "/renew",
          agent,
          "{\"resource\":\"" + resource + "\",\"leaseMs\":50000}");
      send("POST", "/v1/locks/" + ws + "/release", agent, "{\"resource\":\"" + resource + "\"}");

      JsonNode acquire = command(agent, CommandType.LOCK_ACQUIRE).body();
      assertThat(acquire.path("resource").asText()).isEqualTo(resource);
      assertThat(acquire.path("mode").asText()).isEqualTo("COLLABORATIVE");
      assertThat(acquire.path("leaseMs").asLong()).isEqualTo(45000L);
      assertThat(acquire.path("waitMs").asLong()).isZero();
      JsonNode renew = command(agent, CommandType.LOCK_RENEW).body();
      assertThat(renew.path("resource").asText()).isEqualTo(resource);
      assertThat(renew.path("leaseMs").asLong()).isEqualTo(50000L);
      assertThat(command(agent, CommandType.LOCK_RELEASE).body().path("resource").asText())
          .isEqualTo(resource);
    }

    @Test
    void shouldCarryTheLockCancel() {
      String holder = unique("h-holder");
      String waiter = unique("h-waiter");
      String resource = "src/" + unique("f") + ".java";
      send(
          "POST",
          "/v1/locks/" + ws + "/acquire",
          holder,
          "{\"resource\":\"" + resource + "\",\"mode\":\"EXCLUSIVE\"}");
      send(
          "POST",
          "/v1/locks/" + ws + "/acquire",
          waiter,
          "{\"resource\":\""
              + resource
              + "\",\"mode\":\"EXCLUSIVE\",\"waitMs\":60000,"
              + "\"async\":true}");

      send("POST", "/v1/locks/" + ws + "/cancel", waiter, "{\"resource\":\"" + resource + "\"}");

      assertThat(command(waiter, CommandType.LOCK_ACQUIRE).body().path("waitMs").asLong())
          .isEqualTo(60000L);
      assertThat(command(waiter, CommandType.LOCK_CANCEL).body().path("resource").asText())
          .isEqualTo(resource);
    }

    @Test
    void shouldCarryEveryFieldOfAForceRelease() {
      String holder = unique("h-stuck");
      String admin = unique("h-admin");
      String resource = "src/" + unique("f") + ".java";
      send(
          "POST",
          "/v1/locks/" + ws + "/acquire",
          holder,
          "{\"resource\":\"" + resource + "\",\"mode\":\"EXCLUSIVE\"}");

      TestHttp.Reply forced =
          send(
              "POST",
              "/v1/locks/" + ws + "/force-release",
              admin,
              "{\"resource\":\""
                  + resource
                  + "\",\"holder\":\""
                  + holder
                  + "\",\"reason\":\"agent crashed\"}");

      Command command = command(admin, CommandType.LOCK_FORCE_RELEASE);
      assertThat(command.workspace()).isEqualTo(ws);
      assertThat(command.body().path("resource").asText()).isEqualTo(resource);
      assertThat(command.body().path("holder").asText()).isEqualTo(holder);
      assertThat(command.body().path("reason").asText()).isEqualTo("agent crashed");
      assertThat(forced.json().path("message").asText())
          .isEqualTo("force-released by " + admin + ": [" + holder + " (token 1)]");
      assertThat(forced.json().path("state").path("holders").isEmpty()).isTrue();
    }

    @Test
    void shouldCarryEveryFieldOfADecision() {
      String agent = unique("h-decision");
      String task = createTask(agent);

      send(
          "POST",
          "/v1/decisions/" + ws,
          agent,
          "{\"title\":\"T\",\"context\":\"C\",\"decision\":\"D\",\"alternatives\":\"A\","
              + "\"consequences\":\"Q\",\"task\":\""
              + task
              + "\"}");

      JsonNode body = command(agent, CommandType.DECISION_RECORD).body();
      assertThat(body.path("title").asText()).isEqualTo("T");
      assertThat(body.path("context").asText()).isEqualTo("C");
      assertThat(body.path("decision").asText()).isEqualTo("D");
      assertThat(body.path("alternatives").asText()).isEqualTo("A");
      assertThat(body.path("consequences").asText()).isEqualTo("Q");
      assertThat(body.path("taskId").asText()).isEqualTo(task);
    }
  }

  @Nested
  class CliVerbs {
    private CliRun cli(String agent, String... args) {
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--server", baton.httpBase(), "--agent", agent, "--workspace", ws));
      CliRun run = CliRun.of(all.toArray(String[]::new));
      assertThat(run.exitCode()).as(run.toString()).isZero();
      return run;
    }

    @Test
    void shouldCarryEveryFieldOfACreateAndTheIdempotencyKey() {
      String agent = unique("c-create");
      String id = unique("t");

      String[] create = {
        "task",
        "create",
        "--id",
        id,
        "--title",
        "T",
        "--description",
        "D",
        "--priority",
        "2",
        "--label",
        "a",
        "--label",
        "b",
        "--depends-on",
        "x",
        "--idempotency-key",
        "k-1"
      };
      cli(agent, create);
      // The retry is the same request (a key reused with another body is 422).
      cli(agent, create);

      List<Command> sent = commands(agent, CommandType.TASK_CREATE, 2);
      JsonNode body = sent.get(0).body();
      assertThat(body.path("taskId").asText()).isEqualTo(id);
      assertThat(body.path("description").asText()).isEqualTo("D");
      assertThat(body.path("priority").asInt()).isEqualTo(2);
      assertThat(body.path("labels").toString()).isEqualTo("[\"a\",\"b\"]");
      assertThat(body.path("dependsOn").toString()).isEqualTo("[\"x\"]");
      assertThat(sent.get(0).id()).startsWith("idem-").isEqualTo(sent.get(1).id());
    }

    @Test
    void shouldCarryTheGuardsAndSetOfAnUpdate() {
      String agent = unique("c-update");
      String id = createTask(agent);
      long token = lockTask(agent, id);

      cli(
          agent,
          "task",
          "update",
          id,
          "--expected-version",
          "1",
          "--fence",
          String.valueOf(token),
          "--release",
          "--set",
          "title=U",
          "--set",
          "fields.n=1.000000000000000000001");

      Command update = command(agent, CommandType.TASK_UPDATE);
      assertThat(update.expectedVersion()).isEqualTo(1L);
      assertThat(update.fence()).isEqualTo(new Fence("task/" + id, token));
      assertThat(update.body().path("release").asBoolean()).isTrue();
      assertThat(update.body().path("patch").path("title").asText()).isEqualTo("U");
      assertExact(update.body().path("patch").path("fields"), "n", "1.000000000000000000001");
      assertReleased(lockOf(id));
    }

    @Test
    void shouldCarryTheGuardsOfAClaim() {
      String agent = unique("c-claim");
      String id = createTask(agent);
      long token = lockTask(agent, id);

      cli(agent, "task", "claim", id, "--fence", String.valueOf(token), "--release");

      Command claim = command(agent, CommandType.TASK_CLAIM);
      assertThat(claim.fence()).isEqualTo(new Fence("task/" + id, token));
      assertThat(claim.body().path("release").asBoolean()).isTrue();
      assertReleased(lockOf(id));
    }

    @Test
    void shouldReleaseTheLockWithATransition() {
      String agent = unique("c-transition");
      String id = createTask(agent);
      long token = lockTask(agent, id);

      cli(
          agent,
          "task",
          "transition",
          id,
          "--to",
          "IN_PROGRESS",
          "--reason",
          "go",
          "--expected-version",
          "1",
          "--fence",
          String.valueOf(token),
          "--release");

      Command transition = command(agent, CommandType.TASK_TRANSITION);
      assertThat(transition.expectedVersion()).isEqualTo(1L);
      assertThat(transition.fence()).isEqualTo(new Fence("task/" + id, token));
      assertThat(transition.body().path("reason").asText()).isEqualTo("go");
      assertThat(transition.body().path("release").asBoolean()).isTrue();
      assertReleased(lockOf(id));
    }

    @Test
    void shouldCarryEveryFieldOfTheLockVerbs() {
      String agent = unique("c-lock");
      String resource = "src/" + unique("f") + ".java";

      cli(agent, "lock", "acquire", resource, "--mode", "collaborative", "--lease", "45s");
      cli(agent, "lock", "renew", resource, "--lease", "50s");
      cli(agent, "lock", "release", resource);

      JsonNode acquire = command(agent, CommandType.LOCK_ACQUIRE).body();
      assertThat(acquire.path("mode").asText()).isEqualTo("COLLABORATIVE");
      assertThat(acquire.path("leaseMs").asLong()).isEqualTo(45000L);
      assertThat(command(agent, CommandType.LOCK_RENEW).body().path("leaseMs").asLong())
          .isEqualTo(50000L);
      assertThat(command(agent, CommandType.LOCK_RELEASE).body().path("resource").asText())
          .isEqualTo(resource);
    }

    @Test
    void shouldCarryEveryFieldOfAForceRelease() {
      String holder = unique("c-stuck");
      String admin = unique("c-admin");
      String resource = "src/" + unique("f") + ".java";
      cli(holder, "lock", "acquire", resource, "--mode", "exclusive");

      CliRun run =
          cli(
              admin,
              "lock",
              "release",
              resource,
              "--force",
              "--holder",
              holder,
              "--reason",
              "agent crashed");

      JsonNode body = command(admin, CommandType.LOCK_FORCE_RELEASE).body();
      assertThat(body.path("resource").asText()).isEqualTo(resource);
      assertThat(body.path("holder").asText()).isEqualTo(holder);
      assertThat(body.path("reason").asText()).isEqualTo("agent crashed");
      assertThat(run.out()).contains("lock " + resource + " force-released by " + admin);
    }

    @Test
    void shouldCarryEveryFieldOfADecision() {
      String agent = unique("c-decision");
      String task = createTask(agent);

      cli(
          agent,
          "decision",
          "record",
          "--title",
          "T",
          "--context",
          "C",
          "--decision",
          "D",
          "--alternatives",
          "A",
          "--consequences",
          "Q",
          "--task",
          task);

      JsonNode body = command(agent, CommandType.DECISION_RECORD).body();
      assertThat(body.path("context").asText()).isEqualTo("C");
      assertThat(body.path("alternatives").asText()).isEqualTo("A");
      assertThat(body.path("consequences").asText()).isEqualTo("Q");
      assertThat(body.path("taskId").asText()).isEqualTo(task);
    }
  }

  @Nested
  class McpTools {
    private JsonNode call(McpSyncClient client, String tool, Map<String, Object> args) {
      McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, args));
      String text = ((McpSchema.TextContent) result.content().get(0)).text();
      assertThat(result.isError()).as(tool + ": " + text).isFalse();
      try {
        return Json.mapper().readTree(text);
      } catch (Exception e) {
        throw new AssertionError(text, e);
      }
    }

    @Test
    void shouldCarryTheFieldsAndGuardsOfEveryTaskTool() {
      String agent = unique("m-task");
      String id = unique("t");
      try (McpSyncClient mcp = McpClients.http(baton.httpBase(), agent, p -> {})) {
        call(
            mcp,
            "task_create",
            Map.of(
                "id",
                id,
                "title",
                "T",
                "description",
                "D",
                "priority",
                4,
                "labels",
                List.of("a"),
                "fields",
                Map.of("n", 7)));
        JsonNode create = command(agent, CommandType.TASK_CREATE).body();
        assertThat(create.path("description").asText()).isEqualTo("D");
        assertThat(create.path("priority").asInt()).isEqualTo(4);
        assertThat(create.path("labels").toString()).isEqualTo("[\"a\"]");
        assertThat(create.path("fields").path("n").asInt()).isEqualTo(7);

        // The agent tools act in the default workspace.
        long token = lockTask(agent, "default", id);
        call(mcp, "task_claim", Map.of("id", id, "expectedVersion", 1, "fence", token));
        Command claim = command(agent, CommandType.TASK_CLAIM);
        assertThat(claim.expectedVersion()).isEqualTo(1L);
        assertThat(claim.fence()).isEqualTo(new Fence("task/" + id, token));

        call(
            mcp,
            "task_update",
            Map.of("id", id, "expectedVersion", 2, "fence", token, "set", Map.of("title", "U")));
        Command update = command(agent, CommandType.TASK_UPDATE);
        assertThat(update.expectedVersion()).isEqualTo(2L);
        assertThat(update.fence()).isEqualTo(new Fence("task/" + id, token));
        assertThat(update.body().path("patch").path("title").asText()).isEqualTo("U");

        call(
            mcp,
            "task_transition",
            Map.of("id", id, "to", "IN_PROGRESS", "fence", token, "release", true));
        Command transition = command(agent, CommandType.TASK_TRANSITION);
        assertThat(transition.fence()).isEqualTo(new Fence("task/" + id, token));
        assertThat(transition.body().path("release").asBoolean()).isTrue();
        assertReleased(lockOf("default", id));
      }
    }

    @Test
    void shouldCarryTheFieldsOfTheLockAndDecisionTools() {
      String agent = unique("m-lock");
      String resource = "file/src/" + unique("f") + ".java";
      try (McpSyncClient mcp = McpClients.http(baton.httpBase(), agent, p -> {})) {
        call(
            mcp,
            "lock_acquire",
            Map.of("resource", resource, "mode", "COLLABORATIVE", "leaseMs", 45000));
        call(mcp, "lock_renew", Map.of("resource", resource, "leaseMs", 50000));
        call(mcp, "lock_release", Map.of("resource", resource));
        call(mcp, "decision_record", Map.of("title", "T", "decision", "D", "context", "C"));
      }

      JsonNode acquire = command(agent, CommandType.LOCK_ACQUIRE).body();
      assertThat(acquire.path("mode").asText()).isEqualTo("COLLABORATIVE");
      assertThat(acquire.path("leaseMs").asLong()).isEqualTo(45000L);
      assertThat(command(agent, CommandType.LOCK_RENEW).body().path("leaseMs").asLong())
          .isEqualTo(50000L);
      assertThat(command(agent, CommandType.LOCK_RELEASE).body().path("resource").asText())
          .isEqualTo(resource);
      assertThat(command(agent, CommandType.DECISION_RECORD).body().path("context").asText())
          .isEqualTo("C");
    }
  }
}
