package dev.baton.app.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.check.EventLogReader;
import dev.baton.app.check.PositionedEvent;
import dev.baton.app.cli.CliRun;
import dev.baton.app.config.AppConfig;
import dev.baton.app.sink.audit.AuditDirectory;
import dev.baton.app.sink.audit.PartitionScanner;
import dev.baton.app.testing.Health;
import dev.baton.app.testing.TestBaton;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: a node's exports (audit trail, SQLite projection, decisions.md, state.json,
 * checkpoints) on a size-limited tmpfs, filled up while commands keep coming. Health turns 503
 * {@code SINK_FAULTED} naming the operation, a file on that disk and {@code No space left on
 * device}; once space is freed, the sinks resume by themselves, every event is in the audit trail
 * exactly once, and {@code baton audit verify} and {@code baton verify} (log, projection,
 * checkpoint, audit) are clean.
 *
 * <p>Mounting a tmpfs needs privileges; where the machine refuses it the test is skipped (the
 * fault-injecting seam tests, {@code AuditSinkDiskFaultIT} and {@code ProjectionDiskFaultIT}, cover
 * the same paths everywhere).
 */
@Timeout(240)
class SinkFullDiskIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path dir;

  private static boolean run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
      if (!ok) {
        System.out.println(String.join(" ", command) + ": " + out.strip());
      }
      return ok;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static JsonNode awaitHealth(String what, TestBaton baton, Predicate<JsonNode> done)
      throws Exception {
    return Health.await(what, baton.httpBase(), done, DEADLINE);
  }

  private static boolean allSinksRunning(JsonNode h) {
    if (h.path("httpStatus").asInt() != 200 || h.path("sinks").size() != 2) {
      return false;
    }
    for (JsonNode sink : h.path("sinks")) {
      if (!sink.path("state").asText().equals("RUNNING")) {
        return false;
      }
    }
    return true;
  }

  private static void createTasks(TestBaton baton, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(baton.httpBase() + "/v1/tasks/default"))
                  .header("X-Baton-Agent", "alice")
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"id\":\"t"
                              + i
                              + "\",\"title\":\"Task "
                              + i
                              + "\",\"description\":\""
                              + "x".repeat(2000)
                              + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
  }

  /** Writes zeros to {@code file} until the disk is full. */
  private static long fill(Path file) throws IOException {
    long written = 0;
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(chunk);
        written += chunk.length;
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left on device");
    }
    return written;
  }

  @Test
  void shouldFaultOnAFullDiskReportItInHealthAndResumeOnceSpaceIsBack() throws Exception {
    Path data = dir.resolve("data");
    Path export = data.resolve("export");
    Files.createDirectories(export);
    boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", export.toString());
    Assumptions.assumeTrue(mounted, "cannot mount a size-limited tmpfs here");
    try {
      Map<String, Object> overrides = new HashMap<>();
      overrides.put(AppConfig.PROJECTION_JDBC_URL, "jdbc:sqlite:" + export.resolve("baton.db"));
      overrides.put(AppConfig.CHECKPOINT_INTERVAL_MS, 300L);
      overrides.put(AppConfig.DECISIONS_DEBOUNCE_MS, 50L);
      overrides.put(AppConfig.STATE_MAX_DELAY_MS, 50L);
      overrides.put(AppConfig.AUDIT_SEGMENT_MAX_LINES, 10L);
      overrides.put(AppConfig.AUDIT_FSYNC_INTERVAL_MS, 20L);
      String prefix;
      String bootstrap;
      try (TestBaton baton = TestBaton.start(data, overrides)) {
        prefix = (String) baton.config().values().get(AppConfig.TOPIC_PREFIX);
        bootstrap = baton.service().bootstrapServers();
        awaitHealth("a healthy start", baton, SinkFullDiskIT::allSinksRunning);
        createTasks(baton, 0, 20);

        Path filler = export.resolve("filler");
        long filled = fill(filler);
        System.out.println("filled the disk with " + filled + " bytes");
        createTasks(baton, 20, 60);
        JsonNode faulted =
            awaitHealth(
                "SINK_FAULTED on the full disk",
                baton,
                h -> h.path("status").asText().equals("SINK_FAULTED"));
        assertThat(faulted.path("httpStatus").asInt()).isEqualTo(503);
        List<String> faultedSinks = new ArrayList<>();
        for (JsonNode sink : faulted.path("sinks")) {
          if (sink.path("state").asText().equals("FAULTED")) {
            faultedSinks.add(sink.path("sink").asText());
            JsonNode fault = sink.path("fault");
            assertThat(fault.path("path").asText()).startsWith(export.toString());
            assertThat(fault.path("error").asText())
                .containsAnyOf("No space left on device", "disk is full");
            assertThat(fault.path("operation").asText()).isNotEmpty();
            assertThat(fault.path("since").asText()).isNotEmpty();
            assertThat(fault.path("nextAttempt").asText()).isNotEmpty();
            assertThat(sink.path("faults").asLong()).isPositive();
          }
        }
        System.out.println("faulted: " + faultedSinks + " in " + faulted);
        createTasks(baton, 60, 70); // commands still work: the log is not on this disk

        Files.delete(filler);
        awaitHealth(
            "both sinks RUNNING after space is back", baton, SinkFullDiskIT::allSinksRunning);
        createTasks(baton, 70, 80);

        List<PositionedEvent> events =
            EventLogReader.read(bootstrap, baton.config().topics().events(), DEADLINE).events();
        TreeSet<String> expected = new TreeSet<>();
        events.forEach(e -> expected.add(e.partition() + "@" + e.offset()));
        Path audit = export.resolve("audit");
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!new TreeSet<>(auditLines(audit)).containsAll(expected)) {
          assertThat(System.nanoTime()).as("every event reaches the trail").isLessThan(deadline);
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        CliRun verify =
            CliRun.of(
                "verify",
                "--data-dir",
                data.toString(),
                "--bootstrap",
                bootstrap,
                "--jdbc-url",
                "jdbc:sqlite:" + export.resolve("baton.db"),
                "--topic-prefix",
                prefix,
                "--server",
                baton.httpBase(),
                "--catch-up-ms",
                "10000");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
      }
      Path audit = export.resolve("audit");
      List<String> lines = auditLines(audit);
      assertThat(lines).doesNotHaveDuplicates();
      CliRun auditVerify = CliRun.of("audit", "verify", audit.toString());
      assertThat(auditVerify.exitCode()).as(auditVerify.toString()).isZero();
    } finally {
      run("umount", "-l", export.toString());
    }
  }

  private static List<String> auditLines(Path audit) {
    List<String> out = new ArrayList<>();
    AuditDirectory d = new AuditDirectory(audit);
    for (int p : d.partitions()) {
      try (PartitionScanner s = new PartitionScanner(d, p)) {
        PartitionScanner.Item item;
        while ((item = s.next()) != null) {
          if (item.line() != null) {
            out.add(p + "@" + item.line().offset());
          }
        }
      }
    }
    return out;
  }
}
