package dev.baton.app.sink.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.Main;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.sdk.protocol.Topics;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink as its own process ({@code baton sink}), killed with {@code kill -9} at random moments
 * while a transactional producer writes (and sometimes aborts), then restarted on the same folder:
 * every committed event must end up in the files exactly once, in offset order, with the chain
 * intact; no aborted one may.
 */
@Timeout(240)
class AuditSinkKillIT {
  private static final int PARTITIONS = 3;
  private static final int KILLS = 5;
  private static final int RECORDS_PER_TRANSACTION = 20;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dataDir;
  private final List<Process> children = new ArrayList<>();

  /** What the producer committed, per partition, in offset order: offset -> event id. */
  private final Map<Integer, Map<Long, String>> committed = new TreeMap<>();

  @AfterEach
  void killLeftovers() {
    children.forEach(Process::destroyForcibly);
  }

  @Test
  void shouldWriteEveryCommittedEventExactlyOnceAcrossKillDashNine() throws Exception {
    String prefix = KafkaTestCluster.uniqueTopicPrefix();
    String topic = Topics.withPrefix(prefix).events();
    KafkaTestCluster.createTopics(PARTITIONS, topic);
    Path auditDir = dataDir.resolve("export/audit");
    Random random = new Random();
    AtomicBoolean producing = new AtomicBoolean(true);
    List<String> aborted = Collections.synchronizedList(new ArrayList<>());
    Thread producer = new Thread(() -> produce(topic, producing, aborted), "kill-it-producer");
    producer.start();

    for (int kill = 0; kill < KILLS; kill++) {
      Process sink = startSink(prefix, kill);
      long sizeAtStart = segmentBytes(auditDir);
      await(
          "sink #" + kill + " writes",
          () -> sink.isAlive() && segmentBytes(auditDir) != sizeAtStart);
      // The moment under test: somewhere in a write, an fsync, a rotation or a compression.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(700)));
      sink.destroyForcibly();
      assertThat(sink.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    producing.set(false);
    producer.join(DEADLINE.toMillis());
    int expected = committed.values().stream().mapToInt(Map::size).sum();
    assertThat(expected).isGreaterThan(1000);

    Process last = startSink(prefix, KILLS);
    await("the sink catches up with " + expected + " events", () -> lines(auditDir) >= expected);
    last.destroy(); // SIGTERM: a clean stop closes the open segments
    assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();

    AuditVerifier.Report report = AuditVerifier.verify(new AuditDirectory(auditDir));
    assertThat(report.firstProblem()).isEmpty();
    assertThat(report.ok()).isTrue();
    for (int p = 0; p < PARTITIONS; p++) {
      Map<Long, String> written = new TreeMap<>();
      for (PartitionScanner.Item item : AuditFixtures.scan(auditDir, p)) {
        assertThat(item.ok()).as("%s", item.problem()).isTrue();
        String previous = written.put(item.line().offset(), item.line().event().get("id").asText());
        assertThat(previous)
            .as("offset %d of partition %d twice", item.line().offset(), p)
            .isNull();
      }
      assertThat(written).as("partition %d", p).isEqualTo(committed.getOrDefault(p, Map.of()));
    }
    assertThat(report.lines()).isEqualTo(expected);
    assertThat(aborted).isNotEmpty();
    System.out.printf(
        "kill -9 test: %d events in %d segments after %d kills (%d aborted records left out)%n",
        expected, report.segments(), KILLS, aborted.size());
  }

  private Process startSink(String prefix, int run) throws IOException {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-Xmx256m",
            "-cp",
            classpath,
            Main.class.getName(),
            "sink",
            "--bootstrap",
            KafkaTestCluster.bootstrapServers(),
            "--data-dir",
            dataDir.toString(),
            "--config",
            "baton.topic.prefix=" + prefix,
            "--config",
            "baton.application.id=" + prefix + "baton",
            "--config",
            "baton.audit.group.instance.id=kill-test",
            "--config",
            "baton.audit.segment.max.lines=400",
            "--config",
            "baton.audit.segment.max.bytes=131072",
            "--config",
            "baton.audit.compression=zstd",
            "--config",
            "baton.audit.fsync.interval.ms=50");
    File log = dataDir.resolve("sink-" + run + ".log").toFile();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    children.add(process);
    return process;
  }

  private void produce(String topic, AtomicBoolean producing, List<String> aborted) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            KafkaTestCluster.bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            topic + "-kill-it",
            ProducerConfig.LINGER_MS_CONFIG,
            2);
    Random random = new Random(7);
    long seq = 0;
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      while (producing.get()) {
        boolean abort = random.nextInt(10) == 0;
        producer.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < RECORDS_PER_TRANSACTION; i++) {
          String key = "default/task/t" + random.nextInt(60);
          String id = (abort ? "aborted-" : "e-") + seq++;
          String value =
              new String(
                      AuditFixtures.simpleEvent(
                          key, seq, "agent-" + (seq % 5), System.currentTimeMillis()),
                      java.nio.charset.StandardCharsets.UTF_8)
                  .replaceFirst("\"id\":\"[^\"]*\"", "\"id\":\"" + id + "\"");
          sent.add(producer.send(new ProducerRecord<>(topic, key, value)));
          ids.add(id);
        }
        if (abort) {
          producer.flush();
          producer.abortTransaction();
          aborted.addAll(ids);
        } else {
          producer.commitTransaction();
          for (int i = 0; i < sent.size(); i++) {
            RecordMetadata m = sent.get(i).get();
            synchronized (committed) {
              committed
                  .computeIfAbsent(m.partition(), p -> new TreeMap<>())
                  .put(m.offset(), ids.get(i));
            }
          }
        }
        // Pacing, so that the run spans the kills without writing millions of records.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(4));
      }
    } catch (Exception e) {
      throw new IllegalStateException("producer failed", e);
    }
  }

  private static long segmentBytes(Path auditDir) {
    if (!Files.isDirectory(auditDir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(auditDir)) {
      return files
          .filter(f -> f.getFileName().toString().contains(".jsonl"))
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0; // renamed or deleted by the sink meanwhile
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  /** Intact lines in the folder, tolerating a sink writing at the same time. */
  private static long lines(Path auditDir) {
    if (!Files.isDirectory(auditDir)) {
      return 0;
    }
    try {
      long n = 0;
      AuditDirectory dir = new AuditDirectory(auditDir);
      for (int p : dir.partitions()) {
        for (PartitionScanner.Item item : AuditFixtures.scan(auditDir, p)) {
          n += item.ok() ? 1 : 0;
        }
      }
      return n;
    } catch (UncheckedIOException | IllegalStateException e) {
      return -1;
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + DEADLINE + " waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }
}
