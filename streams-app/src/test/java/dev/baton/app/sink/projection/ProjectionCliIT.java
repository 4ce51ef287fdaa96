package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.CliRun;
import dev.baton.app.config.AppConfig;
import dev.baton.app.testing.Eventually;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewDecision;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "done when", end to end against a real broker, topology, audit and projection sink:
 * after some traffic {@code baton query} answers from the projection, {@code decisions.md} and
 * {@code state.json} are written, {@code checkpoint create} then {@code restore --into} then {@code
 * verify} succeed, and {@code restore --to-kafka} resets a changed task and still verifies; on
 * SQLite and on PostgreSQL.
 */
class ProjectionCliIT {
  @TempDir Path dir;

  @Test
  void shouldServeQueriesCheckpointRestoreAndVerifyOnSqlite() throws Exception {
    runFlow(null, "jdbc:sqlite:" + dir.resolve("restored.db"));
  }

  @Test
  void shouldServeQueriesCheckpointRestoreAndVerifyOnPostgresql() throws Exception {
    try (TestDatabases.TestDb live = TestDatabases.create(Dialect.POSTGRESQL, dir);
        TestDatabases.TestDb restored = TestDatabases.create(Dialect.POSTGRESQL, dir)) {
      runFlow(live.url(), restored.url());
    }
  }

  private void runFlow(String jdbcUrl, String restoreTarget) throws Exception {
    Path dataDir = dir.resolve("baton-data");
    Map<String, Object> overrides = new HashMap<>();
    overrides.put(AppConfig.CHECKPOINT_INTERVAL_MS, 0L);
    overrides.put(AppConfig.DECISIONS_DEBOUNCE_MS, 50L);
    overrides.put(AppConfig.STATE_MAX_DELAY_MS, 50L);
    if (jdbcUrl != null) {
      overrides.put(AppConfig.PROJECTION_JDBC_URL, jdbcUrl);
    }
    try (TestBaton baton = TestBaton.start(dataDir, overrides);
        BatonClient alice = baton.client("alice")) {
      List<String> common = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
      if (jdbcUrl != null) {
        common.addAll(List.of("--jdbc-url", jdbcUrl));
      }
      String prefix = (String) baton.config().values().get(AppConfig.TOPIC_PREFIX);
      List<String> kafka =
          List.of("--bootstrap", baton.service().bootstrapServers(), "--topic-prefix", prefix);

      // Some traffic: tasks, a claim, a transition, a lock, two decisions (one superseding).
      for (int i = 1; i <= 5; i++) {
        get(alice.tasks().create(NewTask.titled("Task " + i).withId("t-" + i)));
      }
      get(alice.tasks().claim("t-2"));
      get(alice.tasks().transition("t-3", TaskStatus.IN_PROGRESS));
      get(
          alice
              .locks()
              .acquire("task/t-1", LockMode.EXCLUSIVE, Duration.ofSeconds(30), Duration.ZERO));
      get(alice.locks().release("task/t-1"));
      get(alice.decisions().record(NewDecision.of("Use SQLite", "# not a heading", "<b>yes</b>")));
      get(
          alice
              .decisions()
              .record(
                  NewDecision.of("Use PostgreSQL at scale", "many sinks", "yes")
                      .superseding(1)
                      .forTask("t-3")));

      CliRun rows =
          awaitCli(
              run -> run.out().contains("(5 rows)") && run.out().contains("IN_PROGRESS"),
              args(common, "query", "select id,status,version from tasks order by id"));
      assertThat(rows.out()).contains("id  | status      | version", "t-2 | CLAIMED     | 2");
      CliRun json =
          CliRun.of(
              args(common, "query", "--json", "select id, version from tasks where id = 't-3'"));
      assertThat(json.exitCode()).as(json.toString()).isZero();
      JsonNode array = Json.mapper().readTree(json.out());
      assertThat(array).hasSize(1);
      assertThat(array.get(0).path("version").asLong()).isEqualTo(2);
      CliRun write = CliRun.of(args(common, "query", "delete from tasks"));
      assertThat(write.exitCode()).as(write.toString()).isEqualTo(1);

      Path decisions = dataDir.resolve("export/decisions.md");
      awaitFile(decisions, s -> s.contains("### 2. Use PostgreSQL at scale"));
      assertThat(Files.readString(decisions))
          .contains(
              "superseded by [decision 2](#decision-default-2)",
              "&lt;b&gt;yes&lt;/b&gt;",
              "\\# not a heading");
      awaitFile(dataDir.resolve("export/state.json"), s -> s.contains("\"t-5\""));
      awaitCli(
          run -> run.out().contains("(1 row)"),
          args(common, "query", "select resource from locks where holder_count = 0"));

      CliRun created = CliRun.of(args(common, "checkpoint", "create", "--json"));
      assertThat(created.exitCode()).as(created.toString()).isZero();
      String id = Json.mapper().readTree(created.out()).path("id").asText();
      assertThat(id).endsWith("-full");
      CliRun list = CliRun.of(args(common, "checkpoint", "list"));
      assertThat(list.out()).contains(id).contains("ok");

      CliRun restored =
          CliRun.of(args(common, "checkpoint", "restore", id, "--into", restoreTarget));
      assertThat(restored.exitCode()).as(restored.toString()).isZero();
      try (ProjectionDatabase copy = ProjectionDatabase.open(restoreTarget);
          ProjectionDatabase live =
              ProjectionDatabase.open(
                  jdbcUrl == null ? "jdbc:sqlite:" + dataDir.resolve("baton.db") : jdbcUrl)) {
        CheckpointTest.assertSameProjection(copy, live);
      }

      List<String> verifyArgs = new ArrayList<>(List.of("verify", "--server", baton.httpBase()));
      verifyArgs.addAll(kafka);
      CliRun verified = CliRun.of(args(common, verifyArgs.toArray(String[]::new)));
      assertThat(verified.exitCode()).as(verified.toString()).isZero();
      assertThat(verified.out())
          .contains(
              "verify: no differences",
              "checked projection",
              "checked checkpoint: " + id,
              "checked live: 5 tasks");

      // After the checkpoint a task changes; restoring through Kafka brings the title back at a
      // new, higher version, and everything still agrees.
      get(alice.tasks().update("t-4", 1, Json.mapper().createObjectNode().put("title", "late")));
      List<String> toKafka = new ArrayList<>(List.of("checkpoint", "restore", id, "--to-kafka"));
      toKafka.addAll(kafka);
      CliRun reset = CliRun.of(args(common, toKafka.toArray(String[]::new)));
      assertThat(reset.exitCode()).as(reset.toString()).isZero();
      assertThat(reset.out()).contains("restored 5 of 5 keys");
      awaitCli(
          run -> run.out().contains("Task 4 | 3"),
          args(common, "query", "select title, version from tasks where id = 't-4'"));
      CliRun again = CliRun.of(args(common, verifyArgs.toArray(String[]::new)));
      assertThat(again.exitCode()).as(again.toString()).isZero();

      // audit recover and state.json follow the time travel too, and equal HTTP.
      JsonNode http =
          Json.mapper()
              .readTree(
                  java.net.http.HttpClient.newHttpClient()
                      .send(
                          java.net.http.HttpRequest.newBuilder(
                                  java.net.URI.create(baton.httpBase() + "/v1/tasks/default/t-4"))
                              .build(),
                          java.net.http.HttpResponse.BodyHandlers.ofString())
                      .body());
      assertThat(http.path("title").asText()).isEqualTo("Task 4");
      assertThat(http.path("version").asLong()).isEqualTo(3);
      CliRun recovered =
          awaitRecovered(dataDir, r -> taskIn(r, "tasks", "t-4").path("version").asLong() == 3);
      assertThat(taskIn(recovered, "tasks", "t-4")).isEqualTo(http);
      awaitFile(
          dataDir.resolve("export/state.json"), text -> text.contains("\"title\":\"Task 4\""));
      JsonNode state =
          Json.mapper().readTree(Files.readString(dataDir.resolve("export/state.json")));
      for (JsonNode t : state.path("tasks")) {
        if (t.path("id").asText().equals("t-4")) {
          assertThat(t).isEqualTo(http);
        }
      }
    }
  }

  private static String[] args(List<String> common, String... verbAndArgs) {
    List<String> all = new ArrayList<>();
    int firstOption = 0;
    while (firstOption < verbAndArgs.length
        && !verbAndArgs[firstOption].startsWith("-")
        && isVerb(verbAndArgs[firstOption])) {
      all.add(verbAndArgs[firstOption++]);
    }
    all.addAll(common);
    for (int i = firstOption; i < verbAndArgs.length; i++) {
      all.add(verbAndArgs[i]);
    }
    return all.toArray(String[]::new);
  }

  private static boolean isVerb(String word) {
    return List.of("query", "checkpoint", "create", "list", "restore", "verify").contains(word);
  }

  private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  private static CliRun awaitCli(Predicate<CliRun> done, String... args) throws Exception {
    return Eventually.cli(Duration.ofSeconds(30), done, args);
  }

  private static JsonNode taskIn(CliRun run, String array, String id) {
    try {
      for (JsonNode t : Json.mapper().readTree(run.out()).path(array)) {
        if (t.path("id").asText().equals(id)) {
          return t;
        }
      }
    } catch (java.io.IOException e) {
      throw new AssertionError("recover printed no JSON: " + run, e);
    }
    return Json.mapper().missingNode();
  }

  private static CliRun awaitRecovered(Path dataDir, Predicate<CliRun> done) throws Exception {
    return awaitCli(done, "audit", "recover", "--data-dir", dataDir.toString());
  }

  private static void awaitFile(Path file, Predicate<String> done) throws Exception {
    Eventually.file(Duration.ofSeconds(30), file, done);
  }
}
