package dev.baton.app.http;

import static dev.baton.app.http.HttpApiTest.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.state.LockQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two HTTP APIs over in-memory stores, wired as two nodes: a read of a key the first does not own
 * is answered by the second, a listing on either node covers both, and the one-hop and coverage
 * rules hold.
 */
@Timeout(60)
class ReadRouterTest {
  private final List<HttpApi> apis = new ArrayList<>();

  @AfterEach
  void stop() {
    apis.forEach(HttpApi::close);
  }

  private HttpApi node(InMemoryTaskStores stores, ReadRouter router) {
    HttpApi api =
        HttpApi.start(
            "127.0.0.1",
            0,
            () -> KafkaStreams.State.RUNNING,
            new TaskQueries(stores),
            new LockQueries(new InMemoryLockStores()),
            router,
            new FakeBatonClient().client());
    apis.add(api);
    return api;
  }

  private static TestHttp http(HttpApi api) {
    return new TestHttp("http://127.0.0.1:" + api.port());
  }

  @Nested
  class OneKey {
    @Test
    void shouldAnswerWithTheOwnersAnswerAndNameTheOwner() {
      InMemoryTaskStores ownerStores = new InMemoryTaskStores(3);
      ownerStores.put("ws-1/task/t-1", task("ws-1", "t-1", TaskStatus.OPEN, null, 4));
      HttpApi owner = node(ownerStores, ReadRouter.of("", ReadRouter.Cluster.ALONE));
      String ownerAddress = "127.0.0.1:" + owner.port();
      InMemoryTaskStores frontStores = new InMemoryTaskStores(3);
      frontStores.setRemoteOwner(ownerAddress);
      HttpApi front = node(frontStores, ReadRouter.of("127.0.0.1:9", ReadRouter.Cluster.ALONE));

      TestHttp.Reply reply = http(front).get("/v1/tasks/ws-1/t-1");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
      assertThat(reply.json().path("id").asText()).isEqualTo("t-1");
      assertThat(reply.json().path("version").asLong()).isEqualTo(4);
      assertThat(reply.headers().firstValue(ReadRouter.SERVED_BY)).hasValue(ownerAddress);
    }

    @Test
    void shouldPassTheOwnersNotFoundOn() {
      HttpApi owner = node(new InMemoryTaskStores(3), ReadRouter.of("", ReadRouter.Cluster.ALONE));
      InMemoryTaskStores frontStores = new InMemoryTaskStores(3);
      frontStores.setRemoteOwner("127.0.0.1:" + owner.port());
      HttpApi front = node(frontStores, ReadRouter.of("127.0.0.1:9", ReadRouter.Cluster.ALONE));

      TestHttp.Reply reply = http(front).get("/v1/tasks/ws-1/missing");

      assertThat(reply.status()).isEqualTo(404);
      assertThat(reply.error()).isEqualTo("NOT_FOUND");
    }

    @Test
    void shouldNotForwardAReadThatWasForwardedAlready() {
      InMemoryTaskStores ownerStores = new InMemoryTaskStores(3);
      ownerStores.put("ws-1/task/t-1", task("ws-1", "t-1", TaskStatus.OPEN, null, 1));
      HttpApi owner = node(ownerStores, ReadRouter.of("", ReadRouter.Cluster.ALONE));
      InMemoryTaskStores frontStores = new InMemoryTaskStores(3);
      frontStores.setRemoteOwner("127.0.0.1:" + owner.port());
      HttpApi front = node(frontStores, ReadRouter.of("127.0.0.1:9", ReadRouter.Cluster.ALONE));

      TestHttp.Reply reply =
          http(front)
              .send("GET", "/v1/tasks/ws-1/t-1", null, null, Map.of(ReadRouter.FORWARDED, "n-3"));

      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.error()).isEqualTo("UNAVAILABLE");
      assertThat(reply.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(reply.json().path("message").asText()).contains("moving between nodes");
    }

    @Test
    void shouldPassTheOwnersUnavailableOnWithItsRetryHint() {
      InMemoryTaskStores ownerStores = new InMemoryTaskStores(3);
      ownerStores.setQueryable(false);
      HttpApi owner = node(ownerStores, ReadRouter.of("", ReadRouter.Cluster.ALONE));
      InMemoryTaskStores frontStores = new InMemoryTaskStores(3);
      frontStores.setRemoteOwner("127.0.0.1:" + owner.port());
      HttpApi front = node(frontStores, ReadRouter.of("127.0.0.1:9", ReadRouter.Cluster.ALONE));

      TestHttp.Reply reply = http(front).get("/v1/tasks/ws-1/t-1");

      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.headers().firstValue("Retry-After")).hasValue("1");
    }
  }

  @Nested
  class Listing {
    /** Node A hosts partition 0, node B partitions 1 and 2; both stores hold every task. */
    private TestHttp twoNodes(List<String> ids, Set<Integer> reportedByB) {
      InMemoryTaskStores a = new InMemoryTaskStores(3);
      InMemoryTaskStores b = new InMemoryTaskStores(3);
      for (String id : ids) {
        Task t = task("ws-1", id, TaskStatus.OPEN, null, 1);
        a.put("ws-1/task/" + id, t);
        b.put("ws-1/task/" + id, t);
      }
      a.hostOnly(new TreeSet<>(Set.of(0)));
      b.hostOnly(new TreeSet<>(reportedByB));
      AtomicReference<Map<String, Set<Integer>>> cluster = new AtomicReference<>();
      HttpApi nodeB = node(b, ReadRouter.of("b", cluster::get));
      String addressB = "127.0.0.1:" + nodeB.port();
      cluster.set(Map.of("127.0.0.1:9", Set.of(0), addressB, Set.of(1, 2)));
      HttpApi nodeA = node(a, ReadRouter.of("127.0.0.1:9", cluster::get));
      return http(nodeA);
    }

    private List<String> ids(int n) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ids.add(String.format("t-%03d", i));
      }
      return ids;
    }

    @Test
    void shouldPageThroughTheTasksOfEveryNodeInIdOrder() {
      List<String> ids = ids(40);
      TestHttp front = twoNodes(ids, Set.of(1, 2));

      List<String> seen = new ArrayList<>();
      String after = null;
      int pages = 0;
      do {
        TestHttp.Reply reply =
            front.get(
                "/v1/tasks?workspace=ws-1&limit=7" + (after == null ? "" : "&after=" + after));
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        reply.json().path("tasks").forEach(t -> seen.add(t.path("id").asText()));
        after = reply.json().path("next").isNull() ? null : reply.json().path("next").asText();
        pages++;
      } while (after != null && pages < 20);

      assertThat(seen).containsExactlyElementsOf(ids);
    }

    @Test
    void shouldRefuseAListingThatDoesNotCoverEveryPartition() {
      TestHttp front = twoNodes(ids(5), Set.of(1));

      TestHttp.Reply reply = front.get("/v1/tasks?workspace=ws-1");

      assertThat(reply.status()).as(reply.raw()).isEqualTo(503);
      assertThat(reply.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(reply.json().path("message").asText()).contains("missing [2]");
    }

    @Test
    void shouldAnswerOnlyItsOwnPartitionsToAForwardedListing() {
      TestHttp front = twoNodes(ids(30), Set.of(1, 2));

      TestHttp.Reply reply =
          front.send(
              "GET", "/v1/tasks?workspace=ws-1", null, null, Map.of(ReadRouter.FORWARDED, "x"));

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.headers().firstValue(ReadRouter.PARTITIONS)).hasValue("0");
      SortedSet<String> ids = new TreeSet<>();
      reply.json().path("tasks").forEach(t -> ids.add(t.path("id").asText()));
      assertThat(ids).isNotEmpty().hasSizeLessThan(30);
    }
  }
}
