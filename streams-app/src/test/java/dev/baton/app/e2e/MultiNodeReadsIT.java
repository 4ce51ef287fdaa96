package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.config.AppConfig;
import dev.baton.app.http.ReadRouter;
import dev.baton.app.http.TestHttp;
import dev.baton.app.testing.ChildNodes;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.app.testing.TestBaton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of one topology on one broker, each hosting some of the partitions: what an agent
 * holds, waits for and is assigned is spread over both, and every read that answers for the agent
 * (the agent route, the hooks' session start and end) answers completely from either node, in the
 * shape and order one node would give. Decisions, read from the projection rather than from the
 * partitioned stores, answer the same through both nodes.
 */
@Timeout(300)
class MultiNodeReadsIT {
  private static final int PARTITIONS = 6;
  private static final String WS = "multi";
  private static final int LOCKS = 12;
  private static final int TASKS = 8;
  private static final Duration WITHIN = Duration.ofSeconds(90);

  @TempDir Path dir;
  private final List<TestBaton> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
  }

  @Test
  void shouldAnswerForAnAgentCompletelyFromEitherNode() throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    String projection = "jdbc:sqlite:" + dir.resolve("a").resolve("baton.db");
    // Node a runs the one projection sink (all partitions); node b reads the same projection.
    TestBaton a = node(prefix, "a", true, projection);
    TestBaton b = node(prefix, "b", false, projection);
    List<TestHttp> https = List.of(http(a), http(b));
    for (TestHttp http : https) {
      await(
          "a listing answers through every node",
          () -> http.get("/v1/tasks?workspace=" + WS),
          r -> r.status() == 200);
    }
    TestHttp viaA = https.get(0);
    TestHttp viaB = https.get(1);

    // Given alice holds locks, waits in a queue and is assigned tasks, all over the partitions.
    List<String> resources = new ArrayList<>();
    for (int i = 0; i < LOCKS; i++) {
      String resource = String.format("file/src/F%02d.java", i);
      resources.add(resource);
      TestHttp.Reply granted =
          https
              .get(i % 2)
              .send(
                  "POST",
                  "/v1/locks/" + WS + "/acquire",
                  "alice",
                  "{\"resource\":\"" + resource + "\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":600000}");
      assertThat(granted.status()).as(granted.raw()).isEqualTo(200);
    }
    assertThat(
            viaA.send(
                    "POST",
                    "/v1/locks/" + WS + "/acquire",
                    "bob",
                    "{\"resource\":\"queue/q\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":600000}")
                .status())
        .isEqualTo(200);
    TestHttp.Reply queued =
        viaB.send(
            "POST",
            "/v1/locks/" + WS + "/acquire",
            "alice",
            "{\"resource\":\"queue/q\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":600000,"
                + "\"waitMs\":600000,\"async\":true}");
    assertThat(queued.status()).as(queued.raw()).isEqualTo(202);
    List<String> taskIds = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      String id = String.format("t-%02d", i);
      taskIds.add(id);
      TestHttp via = https.get(i % 2);
      assertThat(
              via.send(
                      "POST",
                      "/v1/tasks/" + WS,
                      "alice",
                      "{\"id\":\"" + id + "\",\"title\":\"task " + id + "\"}")
                  .status())
          .isEqualTo(201);
      TestHttp.Reply claimed =
          via.send("POST", "/v1/tasks/" + WS + "/" + id + "/claim", "alice", "{}");
      assertThat(claimed.status()).as(claimed.raw()).isEqualTo(200);
    }
    // ... and both nodes own some of them (a read of another node's key is forwarded).
    Set<String> owners = new HashSet<>();
    for (String resource : resources) {
      TestHttp.Reply lock = viaA.get("/v1/locks/" + WS + "?resource=" + resource);
      assertThat(lock.status()).as(lock.raw()).isEqualTo(200);
      owners.add(lock.headers().firstValue(ReadRouter.SERVED_BY).orElse("a"));
    }
    assertThat(owners).as("the locks live on both nodes").hasSize(2);

    // When alice's view is read through either node, then it is whole and the same.
    List<JsonNode> views = new ArrayList<>();
    for (TestHttp http : https) {
      TestHttp.Reply view = http.get("/v1/agents/" + WS + "/alice");
      assertThat(view.status()).as(view.raw()).isEqualTo(200);
      views.add(view.json());
    }
    JsonNode view = views.get(0);
    assertThat(views.get(1)).isEqualTo(view);
    assertThat(fieldNames(view))
        .containsExactly("workspace", "agent", "holds", "waits", "tasks", "complete");
    assertThat(texts(view.path("holds"), "resource")).containsExactlyElementsOf(resources);
    assertThat(texts(view.path("waits"), "resource")).containsExactly("queue/q");
    assertThat(view.path("waits").get(0).path("position").asInt()).isEqualTo(1);
    assertThat(texts(view.path("tasks"), "id")).containsExactlyElementsOf(taskIds);
    assertThat(view.path("complete").asBoolean()).isTrue();

    // A session starting on either node is told all of it.
    for (TestHttp http : https) {
      TestHttp.Reply start = hook(http, "claude", "SessionStart");
      assertThat(start.status()).as(start.raw()).isEqualTo(200);
      String context = start.json().path("hookSpecificOutput").path("additionalContext").asText();
      for (String resource : resources) {
        assertThat(context).contains(resource + " token ");
      }
      assertThat(context).contains("queue/q position 1");
      for (String id : taskIds) {
        assertThat(context).contains(id + " \"task " + id + "\"");
      }
    }

    // Decisions: one partition's worth, read from the projection, the same through both nodes.
    for (int i = 1; i <= 3; i++) {
      TestHttp.Reply recorded =
          https
              .get(i % 2)
              .send(
                  "POST",
                  "/v1/decisions/" + WS,
                  "alice",
                  "{\"title\":\"decision "
                      + i
                      + "\",\"decision\":\"do "
                      + i
                      + "\""
                      + (i == 3 ? ",\"supersedes\":1" : "")
                      + "}");
      assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
    }
    for (TestHttp http : https) {
      await(
          "the projection has the decisions",
          () -> http.get("/v1/decisions/" + WS),
          r -> r.status() == 200 && r.json().path("decisions").size() == 3);
    }
    for (String query : List.of("", "?limit=2", "?limit=2&before=2", "?status=ACTIVE", "/1")) {
      TestHttp.Reply first = viaA.get("/v1/decisions/" + WS + query);
      TestHttp.Reply second = viaB.get("/v1/decisions/" + WS + query);
      assertThat(first.status()).as(first.raw()).isEqualTo(200);
      assertThat(second.json()).as(query).isEqualTo(first.json());
    }
    TestHttp.Reply page = viaB.get("/v1/decisions/" + WS + "?limit=2");
    assertThat(page.json().path("decisions").findValuesAsText("title"))
        .containsExactly("decision 3", "decision 2");
    assertThat(page.json().path("next").asLong()).isEqualTo(2);

    // A session ending on node b lets go of every lock and request, on both nodes' partitions.
    TestHttp.Reply end = hook(viaB, "codex", "SessionEnd");
    assertThat(end.status()).as(end.raw()).isEqualTo(200);
    assertThat(end.json().path("released").asInt()).isEqualTo(LOCKS + 1);
    for (TestHttp http : https) {
      JsonNode after = http.get("/v1/agents/" + WS + "/alice").json();
      assertThat(after.path("holds")).isEmpty();
      assertThat(after.path("waits")).isEmpty();
      assertThat(texts(after.path("tasks"), "id")).containsExactlyElementsOf(taskIds);
    }
  }

  private TestBaton node(String prefix, String name, boolean projection, String projectionUrl)
      throws Exception {
    int port = ChildNodes.freePort();
    TestBaton node =
        TestBaton.start(
            dir.resolve(name),
            Map.of(
                AppConfig.TOPIC_PREFIX, prefix,
                AppConfig.APPLICATION_ID, prefix + "baton",
                AppConfig.PARTITIONS, PARTITIONS,
                AppConfig.HTTP_PORT, port,
                AppConfig.APPLICATION_SERVER, "127.0.0.1:" + port,
                AppConfig.AUDIT_ENABLED, false,
                AppConfig.PROJECTION_ENABLED, projection,
                AppConfig.PROJECTION_JDBC_URL, projectionUrl));
    nodes.add(node);
    return node;
  }

  /** Claude Code's (or Codex's) hook {@code event} for alice's session, through {@code http}. */
  private static TestHttp.Reply hook(TestHttp http, String client, String event) {
    return http.post(
        "/v1/hooks/" + client,
        "{\"hook_event_name\":\"" + event + "\",\"session_id\":\"s-1\"}",
        Map.of("X-Baton-Agent", "alice", "X-Baton-Workspace", WS));
  }

  private static TestHttp http(TestBaton node) {
    return new TestHttp(node.httpBase());
  }

  private static TestHttp.Reply await(
      String what, java.util.function.Supplier<TestHttp.Reply> read, Predicate<TestHttp.Reply> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    TestHttp.Reply last = read.get();
    while (!done.test(last)) {
      assertThat(System.nanoTime()).as("%s; last answer %s", what, last.raw()).isLessThan(deadline);
      Thread.sleep(200);
      last = read.get();
    }
    return last;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    Iterator<String> it = node.fieldNames();
    it.forEachRemaining(names::add);
    return names;
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }
}
