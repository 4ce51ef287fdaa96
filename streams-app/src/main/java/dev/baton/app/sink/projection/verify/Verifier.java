package dev.baton.app.sink.projection.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.config.KafkaAccess;
import dev.baton.app.config.Redaction;
import dev.baton.app.io.ResponseJson;
import dev.baton.app.sink.audit.AuditDirectory;
import dev.baton.app.sink.audit.PartitionScanner;
import dev.baton.app.sink.projection.EventRows;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.ProjectionReader;
import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.ProjectionState;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.app.sink.projection.checkpoint.CheckpointException;
import dev.baton.app.sink.projection.checkpoint.CheckpointManifest;
import dev.baton.app.sink.projection.checkpoint.CheckpointRestore;
import dev.baton.app.sink.projection.checkpoint.CheckpointStore;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code baton verify}: replays {@code baton.events} and compares what every other view of it
 * holds, each at its own position in the log:
 *
 * <ul>
 *   <li>the projection, at its stored offsets (after waiting for it to catch up with the log);
 *   <li>the newest checkpoint chain, with the log after its offsets replayed on top, at the log's
 *       end;
 *   <li>the JSONL audit ({@code export/audit}) replayed, at the offsets it reaches;
 *   <li>the live state through the HTTP API's interactive queries, at the log's end: every task,
 *       and every lock by version and last fencing token.
 * </ul>
 *
 * Meant for a quiet system: traffic during the run shows up as differences of the live state.
 */
public final class Verifier {
  /** The views that can be compared; all by default. */
  public enum Check {
    PROJECTION,
    CHECKPOINT,
    AUDIT,
    LIVE
  }

  /**
   * What to compare.
   *
   * @param server base URL of the HTTP API for the live state
   * @param catchUp how long to wait for the projection to reach the log's end
   * @param allowBehind compare a projection still behind after {@code catchUp} at its own offsets
   *     instead of reporting it as a difference
   */
  public record Settings(
      KafkaAccess kafka,
      String topic,
      String jdbcUrl,
      Path exportDir,
      String server,
      Set<Check> checks,
      Duration catchUp,
      Duration timeout,
      boolean allowBehind) {}

  /** The outcome: every difference, and notes on what was compared or skipped. */
  public record Report(List<String> differences, List<String> notes) {
    public boolean ok() {
      return differences.isEmpty();
    }
  }

  private final Settings s;
  private final Consumer<String> progress;
  private final List<String> differences = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public Verifier(Settings settings, Consumer<String> progress) {
    this.s = settings;
    this.progress = progress;
  }

  public Report run() throws Exception {
    SortedMap<Integer, Long> end = endOffsets();
    LogHistory log = null;
    if (s.checks().contains(Check.PROJECTION)) {
      progress.accept("reading the projection at " + Redaction.jdbcUrl(s.jdbcUrl()));
      try (ProjectionDatabase db = ProjectionDatabase.openReadOnly(s.jdbcUrl())) {
        awaitCatchUp(db, end);
        ProjectionState projection = new ProjectionState();
        // One snapshot for the rows and their columns; the log is read while it is held, so the
        // log holds every event the snapshot reflects.
        try (ProjectionReader reader = db.snapshot()) {
          List<String> topics = reader.topics();
          if (!topics.isEmpty() && !topics.contains(s.topic())) {
            differences.add("projection: holds offsets of " + topics + ", not of " + s.topic());
          }
          SortedMap<Integer, Long> projectionAt = reader.offsets(s.topic());
          for (RowKind kind : RowKind.values()) {
            reader.forEach(kind, projection::apply);
          }
          log = readLog();
          ProjectionState expected = log.replay(projectionAt);
          compare("projection", expected, projection, EnumSet.allOf(RowKind.class));
          progress.accept("comparing every column of the projection");
          differences.addAll(ColumnDiff.compare("projection", expected, reader));
          notes.add(
              "projection: "
                  + projection.size()
                  + " rows at offsets "
                  + projectionAt
                  + ", every column and the label rows compared");
        }
      }
    }
    ProjectionState audit = null;
    Map<Integer, Long> auditAt = null;
    if (s.checks().contains(Check.AUDIT)) {
      Path auditDir = s.exportDir().resolve("audit");
      if (!Files.isDirectory(auditDir)) {
        notes.add("audit: no audit export in " + auditDir + "; not compared");
      } else {
        progress.accept("replaying the audit in " + auditDir);
        auditAt = new TreeMap<>();
        audit = replayAudit(new AuditDirectory(auditDir), auditAt);
      }
    }
    if (log == null) {
      log = readLog();
    }
    ProjectionState atEnd = log.replay();
    notes.add("log: " + atEnd.size() + " rows from " + s.topic() + " up to " + log.end());
    if (audit != null) {
      compare("audit", log.replay(auditAt), audit, EnumSet.allOf(RowKind.class));
      notes.add("audit: " + audit.size() + " rows at offsets " + auditAt);
    }
    if (s.checks().contains(Check.CHECKPOINT)) {
      checkCheckpoint(log, atEnd);
    }
    if (s.checks().contains(Check.LIVE)) {
      checkLive(atEnd);
    }
    return new Report(List.copyOf(differences), List.copyOf(notes));
  }

  private LogHistory readLog() {
    progress.accept("reading " + s.topic() + " from " + s.kafka().bootstrap());
    return LogHistory.read(s.kafka(), s.topic(), s.timeout());
  }

  private void compare(
      String name, ProjectionState expected, ProjectionState actual, Set<RowKind> kinds) {
    differences.addAll(StateDiff.compare(name, expected, actual, kinds));
  }

  private void checkCheckpoint(LogHistory log, ProjectionState atEnd) throws Exception {
    CheckpointStore store = new CheckpointStore(s.exportDir().resolve("checkpoints"));
    List<CheckpointManifest> all = store.manifests();
    store.list().stream()
        .filter(e -> !e.ok())
        .forEach(e -> differences.add("checkpoint " + e.id() + ": " + e.problem()));
    if (all.isEmpty()) {
      notes.add("checkpoint: none in " + store.dir() + "; not compared");
      return;
    }
    CheckpointManifest newest = all.get(all.size() - 1);
    progress.accept("replaying checkpoint " + newest.id() + " and the log after it");
    ProjectionState state;
    try {
      state = CheckpointRestore.inMemory(store, newest.id());
    } catch (CheckpointException e) {
      differences.add("checkpoint: " + e.getMessage());
      return;
    }
    if (newest.topic() != null && !newest.topic().equals(s.topic())) {
      differences.add(
          "checkpoint " + newest.id() + ": taken from " + newest.topic() + ", not " + s.topic());
      return;
    }
    log.replayOnto(state, newest.offsets(), null);
    compare("checkpoint " + newest.id() + " + log", atEnd, state, EnumSet.allOf(RowKind.class));
    notes.add(
        "checkpoint: "
            + newest.id()
            + " at offsets "
            + newest.offsets()
            + ", plus the log after it");
  }

  private void checkLive(ProjectionState atEnd) {
    Set<String> workspaces = new TreeSet<>();
    atEnd.values().forEach(r -> workspaces.add(AggregateKeys.workspaceOf(r.key())));
    workspaces.add(AggregateKeys.DEFAULT_WORKSPACE);
    progress.accept("reading live tasks and locks from " + s.server());
    ProjectionState live = new ProjectionState();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      for (String ws : workspaces) {
        String after = null;
        do {
          String uri =
              s.server()
                  + "/v1/tasks?limit=1000&workspace="
                  + encode(ws)
                  + (after == null ? "" : "&after=" + encode(after));
          // One page at a time, read without the request-side document limit.
          HttpResponse<java.io.InputStream> response =
              http.send(
                  HttpRequest.newBuilder(URI.create(uri)).timeout(s.timeout()).GET().build(),
                  HttpResponse.BodyHandlers.ofInputStream());
          JsonNode page;
          try (java.io.InputStream body = response.body()) {
            if (response.statusCode() != 200) {
              differences.add(
                  "live: GET "
                      + uri
                      + " answered "
                      + response.statusCode()
                      + " "
                      + new String(body.readNBytes(500), StandardCharsets.UTF_8));
              return;
            }
            page = ResponseJson.mapper().readTree(body);
          }
          for (JsonNode task : page.path("tasks")) {
            live.apply(
                new ProjectionRow(
                    RowKind.TASK,
                    AggregateKeys.task(ws, task.path("id").asText()),
                    task.path("version").asLong(),
                    -1,
                    -1,
                    task));
          }
          JsonNode next = page.get("next");
          after = next == null || next.isNull() ? null : next.asText();
        } while (after != null);
      }
    } catch (java.io.IOException e) {
      differences.add(
          "live: cannot read tasks from "
              + s.server()
              + ": "
              + e
              + " (is the server up? --skip live leaves this out)");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      differences.add("live: interrupted");
      return;
    }
    compare("live", atEnd, live, EnumSet.of(RowKind.TASK));
    int locks = checkLiveLocks(atEnd, http);
    notes.add(
        "live: "
            + live.size()
            + " tasks and "
            + locks
            + " locks from "
            + s.server()
            + " (locks compared by version and last token)");
  }

  /**
   * Compares every lock the log knows with {@code GET /v1/locks/{ws}?resource=}: same version and
   * same last fencing token. Returns how many were read.
   */
  private int checkLiveLocks(ProjectionState atEnd, HttpClient http) {
    int read = 0;
    for (ProjectionRow row : atEnd.values()) {
      if (row.kind() != RowKind.LOCK) {
        continue;
      }
      String ws = row.data().path("workspace").asText();
      String resource = row.data().path("resource").asText();
      String uri = s.server() + "/v1/locks/" + encode(ws) + "?resource=" + encode(resource);
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(uri)).timeout(s.timeout()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          differences.add("live: lock " + row.key() + ": GET answered " + response.statusCode());
          continue;
        }
        JsonNode lock = ResponseJson.mapper().readTree(response.body());
        read++;
        long version = lock.path("version").asLong();
        long token = lock.path("lastToken").asLong();
        long expectedToken = row.data().path("lastToken").asLong();
        if (version != row.version() || token != expectedToken) {
          differences.add(
              "live: lock "
                  + row.key()
                  + " is at version "
                  + version
                  + " with last token "
                  + token
                  + ", the log says version "
                  + row.version()
                  + " with last token "
                  + expectedToken);
        }
      } catch (java.io.IOException e) {
        differences.add("live: cannot read lock " + row.key() + ": " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        differences.add("live: interrupted");
        return read;
      }
    }
    return read;
  }

  private ProjectionState replayAudit(AuditDirectory dir, Map<Integer, Long> at) {
    ProjectionState state = new ProjectionState();
    for (int partition : dir.partitions()) {
      if (dir.anchor(partition).isPresent()) {
        notes.add(
            "audit: partition "
                + partition
                + " starts after retention at offset "
                + (dir.anchor(partition).get().lastOffset() + 1)
                + "; compared from there is not"
                + " possible, audit not compared");
        return null;
      }
      try (PartitionScanner scanner = new PartitionScanner(dir, partition)) {
        for (PartitionScanner.Item item; (item = scanner.next()) != null; ) {
          if (!item.ok()) {
            differences.add("audit: " + item.problem());
            continue;
          }
          if (item.line() == null || item.line().event() == null) {
            continue;
          }
          at.merge(partition, item.line().offset() + 1, Math::max);
          try {
            Event event = Json.mapper().treeToValue(item.line().event(), Event.class);
            EventRows.rowOf(event, partition, item.line().offset()).ifPresent(state::apply);
          } catch (java.io.IOException | IllegalArgumentException e) {
            // Not an event: the log replay skips it as well.
          }
        }
      }
    }
    return state;
  }

  private void awaitCatchUp(ProjectionDatabase db, SortedMap<Integer, Long> end) throws Exception {
    long deadline = System.nanoTime() + s.catchUp().toNanos();
    while (true) {
      SortedMap<Integer, Long> at;
      try (ProjectionReader reader = db.snapshot()) {
        at = reader.offsets(s.topic());
      }
      boolean caughtUp =
          end.entrySet().stream()
              .allMatch(e -> e.getValue() == 0 || at.getOrDefault(e.getKey(), 0L) >= e.getValue());
      if (caughtUp) {
        return;
      }
      if (System.nanoTime() > deadline) {
        String behind =
            "projection: still behind the log after "
                + s.catchUp().toMillis()
                + " ms (at "
                + at
                + ", log end "
                + end
                + "); compared at its own offsets";
        if (s.allowBehind()) {
          notes.add(behind);
        } else {
          // A sink that stalls must not pass for one that is merely slow.
          differences.add(behind + " (--allow-behind accepts that)");
        }
        return;
      }
      progress.accept("waiting for the projection to catch up: at " + at + ", log end " + end);
      synchronized (this) {
        wait(200);
      }
    }
  }

  private SortedMap<Integer, Long> endOffsets() {
    Properties p = s.kafka().properties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "baton-verify");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<PartitionInfo> infos = consumer.partitionsFor(s.topic(), s.timeout());
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException(
            "topic " + s.topic() + " does not exist at " + s.kafka().bootstrap());
      }
      List<TopicPartition> tps =
          infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      SortedMap<Integer, Long> end = new TreeMap<>();
      consumer.endOffsets(tps, s.timeout()).forEach((tp, o) -> end.put(tp.partition(), o));
      return end;
    }
  }

  private static String encode(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }
}
