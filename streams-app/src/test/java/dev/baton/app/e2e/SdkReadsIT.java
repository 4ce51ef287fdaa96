package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.http.TestHttp;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.DecisionPage;
import dev.baton.sdk.DecisionQuery;
import dev.baton.sdk.DecisionStatus;
import dev.baton.sdk.EventFilter;
import dev.baton.sdk.EventSubscription;
import dev.baton.sdk.LockGrant;
import dev.baton.sdk.LockStatus;
import dev.baton.sdk.NewDecision;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.RecordedDecision;
import dev.baton.sdk.TaskPage;
import dev.baton.sdk.TaskQuery;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's reads, through a node's HTTP API, its typed outcomes, and its event watch. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkReadsIT {
  private TestBaton baton;
  private BatonClient client;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    baton = TestBaton.start(dataDir, Map.of());
    client =
        BatonClient.builder()
            .bootstrapServers(baton.service().bootstrapServers())
            .topics(baton.config().topics())
            .agent("reader")
            .workspace("reads")
            .httpServer(baton.httpBase())
            .build();
  }

  @AfterAll
  void stop() {
    if (client != null) client.close();
    if (baton != null) baton.close();
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  private static String fresh(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The SDK's decision in the HTTP API's JSON shape: the recorded fields plus the status. */
  private static JsonNode asHttp(RecordedDecision d) {
    ObjectNode node = Json.mapper().valueToTree(d.decision());
    node.put("status", d.status().name());
    if (d.supersededBy() != null) {
      node.put("supersededBy", d.supersededBy());
    }
    return node;
  }

  private static List<JsonNode> asHttp(DecisionPage page) {
    return page.decisions().stream().map(SdkReadsIT::asHttp).toList();
  }

  private static List<JsonNode> decisions(TestHttp.Reply reply) {
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    reply.json().path("decisions").forEach(out::add);
    return out;
  }

  private static Long next(TestHttp.Reply reply) {
    JsonNode next = reply.json().path("next");
    return next.isIntegralNumber() ? next.asLong() : null;
  }

  @Test
  void shouldReadDecisionsAsTheHttpApiAnswersThem() throws Exception {
    // given: three decisions, the second superseding the first
    String ws = fresh("decisions");
    BatonClient in = client.as("decider", ws);
    await(in.decisions().record(NewDecision.of("one", "c1", "d1").forTask("t1")));
    await(in.decisions().record(NewDecision.of("two", "c2", "d2").superseding(1)));
    await(in.decisions().record(NewDecision.of("three", "c3", "d3").forTask("t2")));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    DecisionPage all = await(in.decisions().list(DecisionQuery.all()));
    while (all.decisions().size() < 3 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // the projection trails the log
      all = await(in.decisions().list(DecisionQuery.all()));
    }
    TestHttp http = new TestHttp(baton.httpBase());
    String route = "/v1/decisions/" + ws;

    // when
    DecisionPage first = await(in.decisions().list(DecisionQuery.all().withLimit(2)));
    DecisionPage second =
        await(in.decisions().list(DecisionQuery.all().withLimit(2).before(first.next())));
    DecisionPage active =
        await(in.decisions().list(DecisionQuery.all().withStatus(DecisionStatus.ACTIVE)));
    DecisionPage ofTask = await(in.decisions().list(DecisionQuery.all().withTask("t1")));
    Optional<RecordedDecision> one = await(in.decisions().get(1));

    // then: the same decisions, fields and paging as the route's answers
    assertThat(all.decisions()).extracting(d -> d.decision().number()).containsExactly(3, 2, 1);
    assertThat(asHttp(all)).isEqualTo(decisions(http.get(route)));
    TestHttp.Reply firstHttp = http.get(route + "?limit=2");
    assertThat(asHttp(first)).isEqualTo(decisions(firstHttp));
    assertThat(first.next()).isEqualTo(next(firstHttp)).isEqualTo(2L);
    TestHttp.Reply secondHttp = http.get(route + "?limit=2&before=2");
    assertThat(asHttp(second)).isEqualTo(decisions(secondHttp));
    assertThat(second.next()).isNull();
    assertThat(asHttp(active)).isEqualTo(decisions(http.get(route + "?status=ACTIVE")));
    assertThat(asHttp(ofTask)).isEqualTo(decisions(http.get(route + "?task=t1")));
    assertThat(one).isPresent();
    assertThat(asHttp(one.get())).isEqualTo(http.get(route + "/1").json());
    assertThat(one.get().status()).isEqualTo(DecisionStatus.SUPERSEDED);
    assertThat(one.get().supersededBy()).isEqualTo(2);
    assertThat(one.get().decision().title()).isEqualTo("one");
    assertThat(await(in.decisions().get(99))).isEmpty();
  }

  @Test
  void shouldWatchOnlyEventsCommittedAfterSubscribingOnTheCallbackThreads() throws Exception {
    // given: a task created before the watch starts
    BatonClient in = client.as("watcher", fresh("watch"));
    await(in.tasks().create(NewTask.titled("Before").withId("before")));
    BlockingQueue<Event> seen = new LinkedBlockingQueue<>();
    List<String> threads = new CopyOnWriteArrayList<>();

    // when
    try (EventSubscription watch =
        in.watch(
            EventFilter.all().types(Set.of(EventType.TASK_CREATED)),
            (event, cursor) -> {
              threads.add(Thread.currentThread().getName());
              seen.add(event);
            })) {
      await(in.tasks().create(NewTask.titled("After").withId("after")));

      // then
      Event event = seen.poll(30, TimeUnit.SECONDS);
      assertThat(event).isNotNull();
      assertThat(event.key()).isEqualTo(in.workspace() + "/task/after");
      assertThat(watch.running()).isTrue();
    }
    assertThat(threads).isNotEmpty().allMatch(name -> name.startsWith("baton-sdk-callbacks-"));
  }

  @Test
  void shouldKeepWatchingAfterAListenerThrows() throws Exception {
    // given: a listener that throws on the first task's event
    BatonClient in = client.as("watcher", fresh("throwing"));
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    try (EventSubscription watch =
        in.watch(
            EventFilter.all().types(Set.of(EventType.TASK_CREATED)),
            (event, cursor) -> {
              seen.add(event.key());
              if (event.key().endsWith("/task/boom")) {
                throw new IllegalStateException("listener bug");
              }
            })) {

      // when
      await(in.tasks().create(NewTask.titled("Boom").withId("boom")));
      await(in.tasks().create(NewTask.titled("Later").withId("later")));

      // then
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        keys.add(seen.poll(30, TimeUnit.SECONDS));
      }
      assertThat(keys)
          .containsExactlyInAnyOrder(in.workspace() + "/task/boom", in.workspace() + "/task/later");
      assertThat(watch.running()).isTrue();
    }
  }

  @Test
  void shouldReadATaskAndTypeTheOutcome() throws Exception {
    // given
    String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
    Outcome created = await(client.tasks().create(NewTask.titled("Read me").withId(id)));

    // when
    Optional<Task> read = await(client.tasks().get(id));

    // then
    assertThat(created.task().title()).isEqualTo("Read me");
    assertThat(created.lock()).isNull();
    assertThat(read).get().extracting(Task::title, Task::version).containsExactly("Read me", 1L);
    assertThat(await(client.tasks().get("no-such-task"))).isEmpty();
  }

  @Test
  void shouldListTasksPageByPageWithAFilter() throws Exception {
    // given: three claimed by the reader in a fresh workspace
    BatonClient lister =
        client.as("lister", "list-" + UUID.randomUUID().toString().substring(0, 8));
    for (String id : List.of("a", "b", "c")) {
      await(lister.tasks().create(NewTask.titled("Task " + id).withId(id)));
      await(lister.tasks().claim(id));
    }
    await(lister.tasks().create(NewTask.titled("Open").withId("d")));

    // when
    List<String> ids = new ArrayList<>();
    TaskQuery query = TaskQuery.all().withStatus(TaskStatus.CLAIMED).withLimit(2);
    TaskPage page = await(lister.tasks().list(query));
    page.tasks().forEach(t -> ids.add(t.id()));
    TaskPage second = await(lister.tasks().list(query.after(page.next())));
    second.tasks().forEach(t -> ids.add(t.id()));

    // then
    assertThat(page.tasks()).hasSize(2);
    assertThat(ids).containsExactly("a", "b", "c");
    assertThat(second.next()).isNull();
  }

  @Test
  void shouldReadALocksStatusAndTypeTheOutcome() throws Exception {
    // given
    String resource = "src/" + UUID.randomUUID() + ".java";
    LockGrant grant =
        await(client.locks().tryAcquire(resource, LockMode.EXCLUSIVE, Duration.ofSeconds(30)));

    // when
    Optional<LockStatus> status = await(client.locks().status(resource));
    Outcome renewed = await(client.locks().renew(resource));

    // then
    assertThat(status).isPresent();
    assertThat(status.get().holders())
        .extracting(LockStatus.Holder::agent, LockStatus.Holder::token)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("reader", grant.token()));
    LockState lock = renewed.lock();
    assertThat(lock.holders()).extracting(LockState.Holder::agent).containsExactly("reader");
    assertThat(renewed.task()).isNull();
    assertThat(await(client.locks().status("never-named"))).isEmpty();
    grant.close();
  }

  @Test
  void shouldFailReadsClearlyWithoutAnHttpServer() {
    try (BatonClient noReads = baton.client("no-reads")) {
      ExecutionException e =
          catchThrowableOfType(
              ExecutionException.class, () -> noReads.tasks().get("x").get(30, TimeUnit.SECONDS));
      assertThat(e).hasCauseInstanceOf(BatonException.class);
      assertThat(e.getCause()).hasMessageContaining("httpServer");
      assertThat(((BatonException) e.getCause()).retriable()).isFalse();
    }
  }
}
