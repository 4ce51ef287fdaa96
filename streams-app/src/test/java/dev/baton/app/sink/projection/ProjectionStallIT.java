package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.CliRun;
import dev.baton.app.config.AppConfig;
import dev.baton.app.testing.Health;
import dev.baton.app.testing.LogCapture;
import dev.baton.app.testing.TestBaton;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row the database refuses stalls the projection loudly: health says SINK_STALLED with the
 * partition, offset and reason, the error is logged once (not once per retry), verify fails while
 * it is behind, and the sink resumes by itself once the row can be written. The database password
 * in the JDBC URL appears in no log line and no output.
 */
class ProjectionStallIT {
  private static final String SECRET = "pw-never-shown-42";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private static JsonNode projectionOf(JsonNode health) {
    return Health.sink(health, "projection");
  }

  private static JsonNode awaitHealth(TestBaton baton, Predicate<JsonNode> done) throws Exception {
    return Health.await("the expected health", baton.httpBase(), done, Duration.ofSeconds(60));
  }

  private static void post(TestBaton baton, String id, String title) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(baton.httpBase() + "/v1/tasks/default"))
                .header("X-Baton-Agent", "alice")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"id\":\"" + id + "\",\"title\":\"" + title + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  @Test
  void shouldStallLoudlyOnARowTheDatabaseRefusesAndResume() throws Exception {
    try (TestDatabases.TestDb db = TestDatabases.create(Dialect.POSTGRESQL, dir);
        LogCapture logs = new LogCapture()) {
      // Trust authentication ignores the password; it must still never be shown.
      String url = db.url() + "&password=" + SECRET;
      Map<String, Object> overrides = new HashMap<>();
      overrides.put(AppConfig.PROJECTION_JDBC_URL, url);
      overrides.put(AppConfig.CHECKPOINT_INTERVAL_MS, 0L);
      try (TestBaton baton = TestBaton.start(dir.resolve("data"), overrides)) {
        awaitHealth(
            baton,
            h ->
                h.path("httpStatus").asInt() == 200
                    && projectionOf(h).path("state").asText().equals("RUNNING"));
        try (Connection c = DriverManager.getConnection(db.url());
            Statement st = c.createStatement()) {
          st.execute(
              "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN"
                  + " IF NEW.title = 'poison' THEN RAISE EXCEPTION 'poison row refused'; END IF;"
                  + " RETURN NEW; END $$ LANGUAGE plpgsql");
          st.execute(
              "CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON tasks"
                  + " FOR EACH ROW EXECUTE FUNCTION refuse_poison()");
        }

        post(baton, "p1", "poison");
        JsonNode stalled =
            awaitHealth(
                baton,
                h ->
                    projectionOf(h).path("stall").path("attempts").asLong() >= 3
                        && h.path("status").asText().equals("SINK_STALLED"));

        assertThat(stalled.path("httpStatus").asInt()).isEqualTo(503);
        JsonNode stall = projectionOf(stalled).path("stall");
        assertThat(projectionOf(stalled).path("state").asText()).isEqualTo("STALLED");
        assertThat(stall.path("reason").asText()).contains("poison row refused");
        assertThat(stall.path("offset").asLong()).isNotNegative();
        assertThat(stall.path("partition").asInt()).isNotNegative();
        String place =
            "-" + stall.path("partition").asInt() + " offset " + stall.path("offset").asLong();
        assertThat(logs.lines().stream().filter(l -> l.contains("projection sink STALLED at")))
            .as("one error, however many retries")
            .hasSize(1)
            .allMatch(l -> l.contains(place) && l.contains("poison row refused"));

        String prefix = (String) baton.config().values().get(AppConfig.TOPIC_PREFIX);
        String[] verify = {
          "verify",
          "--data-dir",
          dir.resolve("data").toString(),
          "--jdbc-url",
          url,
          "--bootstrap",
          baton.service().bootstrapServers(),
          "--topic-prefix",
          prefix,
          "--server",
          baton.httpBase(),
          "--skip",
          "checkpoint,audit",
          "--catch-up-ms",
          "1000"
        };
        CliRun behind = CliRun.of(verify);
        assertThat(behind.exitCode()).as(behind.toString()).isEqualTo(1);
        assertThat(behind.out()).contains("DIFFERENCE projection: still behind the log");
        assertThat(behind.toString()).doesNotContain(SECRET);

        try (Connection c = DriverManager.getConnection(db.url());
            Statement st = c.createStatement()) {
          st.execute("DROP TRIGGER refuse_poison ON tasks");
        }
        awaitHealth(
            baton,
            h ->
                h.path("httpStatus").asInt() == 200
                    && projectionOf(h).path("state").asText().equals("RUNNING"));
        CliRun caughtUp = CliRun.of(verify);
        assertThat(caughtUp.exitCode()).as(caughtUp.toString()).isZero();
        assertThat(logs.indexOf("projection sink resumed")).isNotNegative();
      }
      assertThat(String.join("\n", logs.lines())).doesNotContain(SECRET);
    }
  }
}
