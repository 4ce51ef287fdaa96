package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.cli.CliRun;
import dev.baton.app.config.AppConfig;
import dev.baton.app.http.TestHttp;
import dev.baton.app.sink.projection.Dialect;
import dev.baton.app.sink.projection.TestDatabases;
import dev.baton.app.testing.Eventually;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.StorableText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any accepted {@code fields} document reads back equal, numbers exactly, through every copy Baton
 * keeps: HTTP GET, the SDK's outcome, the audit log ({@code audit recover}), the SQL projection, a
 * checkpoint restored into another database, {@code state.json}; and {@code baton verify} finds no
 * difference between them and the log. Random documents (nested objects and arrays, numbers of
 * every scale the protocol accepts, any valid Unicode text) come from jqwik arbitraries; a modest
 * number by default, {@value #SOAK_TRIES} with {@code -Dsoak}. On SQLite and on PostgreSQL.
 */
@Timeout(600)
class ExactValuesIT {
  private static final int TRIES = 12;
  private static final int SOAK_TRIES = 300;

  /** The values of the issue that used to come back changed. */
  private static final String KNOWN =
      "{\"big\":1e400,\"fine\":1.000000000000000000001,\"long\":123456789012345678.5,"
          + "\"tiny\":1e-400,\"zeros\":1.50,\"text\":\"x\\ud83d\\ude00y\"}";

  @TempDir Path dir;

  @Test
  void shouldKeepEveryAcceptedFieldsDocumentExactlyOnSqlite() throws Exception {
    run(null, "jdbc:sqlite:" + dir.resolve("restored.db"));
  }

  @Test
  void shouldKeepEveryAcceptedFieldsDocumentExactlyOnPostgresql() throws Exception {
    try (TestDatabases.TestDb live = TestDatabases.create(Dialect.POSTGRESQL, dir);
        TestDatabases.TestDb restored = TestDatabases.create(Dialect.POSTGRESQL, dir)) {
      run(live.url(), restored.url());
    }
  }

  private void run(String jdbcUrl, String restoreTarget) throws Exception {
    int tries = System.getProperty("soak") != null ? SOAK_TRIES : TRIES;
    List<String> documents = new ArrayList<>();
    documents.add(KNOWN);
    fieldsDocuments().sampleStream().limit(tries).forEach(documents::add);

    Path dataDir = dir.resolve("data-" + (jdbcUrl == null ? "sqlite" : "pg"));
    Map<String, Object> overrides = new HashMap<>();
    overrides.put(AppConfig.CHECKPOINT_INTERVAL_MS, 0L);
    overrides.put(AppConfig.STATE_MAX_DELAY_MS, 50L);
    if (jdbcUrl != null) {
      overrides.put(AppConfig.PROJECTION_JDBC_URL, jdbcUrl);
    }
    try (TestBaton baton = TestBaton.start(dataDir, overrides);
        BatonClient sdk = baton.client("sdk-writer")) {
      TestHttp http = new TestHttp(baton.httpBase());
      List<String> common = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
      if (jdbcUrl != null) {
        common.addAll(List.of("--jdbc-url", jdbcUrl));
      }
      Map<String, JsonNode> expected = new LinkedHashMap<>();
      for (int i = 0; i < documents.size(); i++) {
        String sent = documents.get(i);
        JsonNode fields = Json.mapper().readTree(sent);
        String httpId = "h-" + i;
        TestHttp.Reply created =
            http.send(
                "POST",
                "/v1/tasks/default",
                "http-writer",
                "{\"id\":\"" + httpId + "\",\"title\":\"t\",\"fields\":" + sent + "}");
        assertThat(created.status()).as(sent + " -> " + created.raw()).isEqualTo(201);
        expected.put(httpId, fields);
        assertThat(http.get("/v1/tasks/default/" + httpId).json().path("fields"))
            .as("HTTP GET of " + sent)
            .isEqualTo(fields);

        String sdkId = "s-" + i;
        Outcome outcome =
            sdk.tasks()
                .create(NewTask.titled("t").withId(sdkId).withFields((ObjectNode) fields))
                .get(30, TimeUnit.SECONDS);
        assertThat(outcome.state().path("fields")).as("SDK outcome of " + sent).isEqualTo(fields);
        expected.put(sdkId, fields);
      }

      // The audit log, read back by audit recover.
      CliRun recovered =
          awaitCli(
              run -> tasksIn(run.out(), "tasks").keySet().containsAll(expected.keySet()),
              "audit",
              "recover",
              "--data-dir",
              dataDir.toString());
      assertFields("audit recover", tasksIn(recovered.out(), "tasks"), expected);

      // The projection.
      CliRun rows =
          awaitCli(
              run -> rowsIn(run.out()).keySet().containsAll(expected.keySet()),
              args(common, "query", "--json", "select id, fields from tasks"));
      assertFields("projection", rowsIn(rows.out()), expected);

      // state.json.
      Path state = dataDir.resolve("export/state.json");
      awaitFile(state, text -> tasksIn(text, "tasks").keySet().containsAll(expected.keySet()));
      assertFields("state.json", tasksIn(Files.readString(state), "tasks"), expected);

      // A checkpoint, restored into another database.
      CliRun created = CliRun.of(args(common, "checkpoint", "create", "--json"));
      assertThat(created.exitCode()).as(created.toString()).isZero();
      String checkpoint = Json.mapper().readTree(created.out()).path("id").asText();
      CliRun restored =
          CliRun.of(args(common, "checkpoint", "restore", checkpoint, "--into", restoreTarget));
      assertThat(restored.exitCode()).as(restored.toString()).isZero();
      CliRun restoredRows =
          CliRun.of(
              "query",
              "--data-dir",
              dataDir.toString(),
              "--jdbc-url",
              restoreTarget,
              "--json",
              "select id, fields from tasks");
      assertThat(restoredRows.exitCode()).as(restoredRows.toString()).isZero();
      assertFields("checkpoint restore", rowsIn(restoredRows.out()), expected);

      // And verify compares the log, the live stores, the projection and the checkpoint.
      String prefix = (String) baton.config().values().get(AppConfig.TOPIC_PREFIX);
      CliRun verified =
          CliRun.of(
              args(
                  common,
                  "verify",
                  "--server",
                  baton.httpBase(),
                  "--bootstrap",
                  baton.service().bootstrapServers(),
                  "--topic-prefix",
                  prefix));
      assertThat(verified.exitCode()).as(verified.toString()).isZero();
      assertThat(verified.out()).contains("verify: no differences");
    }
  }

  private static void assertFields(
      String where, Map<String, JsonNode> actual, Map<String, JsonNode> expected) {
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      assertThat(actual.get(e.getKey()))
          .as(where + " of task " + e.getKey() + ", sent " + e.getValue())
          .isEqualTo(e.getValue());
    }
  }

  /** The {@code fields} of each task in the array {@code name} of a JSON document, by id. */
  private static Map<String, JsonNode> tasksIn(String json, String name) {
    Map<String, JsonNode> out = new HashMap<>();
    try {
      for (JsonNode t : Json.mapper().readTree(json).path(name)) {
        out.put(t.path("id").asText(), t.path("fields"));
      }
    } catch (java.io.IOException e) {
      // Not written completely yet: nothing found.
    }
    return out;
  }

  /** The {@code fields} column (JSON text) of each row of {@code query --json}, by id. */
  private static Map<String, JsonNode> rowsIn(String json) {
    Map<String, JsonNode> out = new HashMap<>();
    try {
      for (JsonNode row : Json.mapper().readTree(json)) {
        out.put(row.path("id").asText(), Json.mapper().readTree(row.path("fields").asText()));
      }
    } catch (java.io.IOException e) {
      // No rows yet.
    }
    return out;
  }

  // Random fields documents, as JSON text the way a client would write it.

  static Arbitrary<String> fieldsDocuments() {
    return objects(0).map(ExactValuesIT::object);
  }

  private static Arbitrary<Map<String, String>> objects(int depth) {
    return Arbitraries.maps(keys(), value(depth + 1)).ofMinSize(1).ofMaxSize(4);
  }

  private static String object(Map<String, String> members) {
    return members.entrySet().stream()
        .map(e -> quote(e.getKey()) + ":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static Arbitrary<String> value(int depth) {
    List<Arbitrary<String>> leaves =
        List.of(numbers(), text().map(ExactValuesIT::quote), Arbitraries.of("true", "false"));
    if (depth >= 3) {
      return Arbitraries.oneOf(leaves);
    }
    Arbitrary<String> array =
        Arbitraries.lazy(() -> value(depth + 1))
            .list()
            .ofMaxSize(4)
            .map(items -> String.join(",", items))
            .map(items -> "[" + items + "]");
    Arbitrary<String> nested = Arbitraries.lazy(() -> objects(depth).map(ExactValuesIT::object));
    List<Arbitrary<String>> all = new ArrayList<>(leaves);
    all.add(array);
    all.add(nested);
    if (depth > 1) {
      all.add(Arbitraries.just("null"));
    }
    return Arbitraries.oneOf(all);
  }

  /** Numbers of every size and scale the protocol accepts, spelt as a client might. */
  static Arbitrary<String> numbers() {
    Arbitrary<BigDecimal> decimals =
        Arbitraries.bigIntegers()
            .between(
                new BigInteger("-9999999999999999999999"), new BigInteger("9999999999999999999999"))
            .flatMap(
                unscaled ->
                    Arbitraries.integers()
                        .between(-990, StorableText.MAX_FRACTION_DIGITS)
                        .map(scale -> new BigDecimal(unscaled, scale)))
            .filter(d -> d.precision() - d.scale() <= StorableText.MAX_INTEGER_DIGITS);
    return Arbitraries.oneOf(
            decimals.map(BigDecimal::toString),
            decimals.map(d -> d.toString().toLowerCase().replace("e+", "e")),
            decimals.filter(d -> d.scale() >= 0 && d.scale() < 10).map(BigDecimal::toPlainString),
            Arbitraries.longs().map(String::valueOf))
        .filter(s -> s.length() <= Json.MAX_NUMBER_LENGTH);
  }

  /** Any valid Unicode text without NUL: code points of every plane, surrogates paired. */
  static Arbitrary<String> text() {
    return Arbitraries.integers()
        .between(1, Character.MAX_CODE_POINT)
        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
        .list()
        .ofMaxSize(12)
        .map(cps -> cps.stream().map(Character::toString).collect(Collectors.joining()));
  }

  private static Arbitrary<String> keys() {
    return text().filter(k -> !k.isEmpty());
  }

  private static String quote(String text) {
    return Json.mapper().valueToTree(text).toString();
  }

  private static String[] args(List<String> common, String... verbAndArgs) {
    List<String> all = new ArrayList<>();
    int firstOption = 0;
    while (firstOption < verbAndArgs.length
        && List.of("query", "checkpoint", "create", "restore", "verify")
            .contains(verbAndArgs[firstOption])) {
      all.add(verbAndArgs[firstOption++]);
    }
    all.addAll(common);
    for (int i = firstOption; i < verbAndArgs.length; i++) {
      all.add(verbAndArgs[i]);
    }
    return all.toArray(String[]::new);
  }

  private static CliRun awaitCli(Predicate<CliRun> done, String... args) throws Exception {
    return Eventually.cli(Duration.ofSeconds(60), done, args);
  }

  private static void awaitFile(Path file, Predicate<String> done) throws Exception {
    Eventually.file(Duration.ofSeconds(60), file, done);
  }
}
