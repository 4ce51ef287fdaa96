package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.LockGrant;
import dev.baton.sdk.LockStatus;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.TaskPage;
import dev.baton.sdk.TaskQuery;
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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's reads, through a node's HTTP API, and its typed outcomes. */
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
