package dev.baton.app.bench;

import dev.baton.app.config.AppConfig;
import dev.baton.app.sink.audit.AuditSink;
import dev.baton.app.sink.audit.AuditSinkSettings;
import dev.baton.sdk.protocol.Topics;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code export}: the audit sink writing an events topic of realistic events to its JSONL segments,
 * with its default settings (group fsync, rotation every 60,000 lines). Baselines in the same run,
 * over the same topic and the same bytes: a raw consumer reading the topic ({@code read_committed},
 * like the sink) and a buffered write of the segment files' bytes to one file with one fsync at the
 * end.
 *
 * <p>The sink's time runs from its first segment file appearing (group join excluded) until the
 * group's committed offsets, which the sink commits once lines are fsynced, reach the end of the
 * topic; so it includes the wait for the last group fsync (at most {@code
 * baton.audit.fsync.interval.ms}).
 */
public final class ExportScenario implements Scenario {
  private static final int KEYS = 10_000;

  @Override
  public String name() {
    return "export";
  }

  @Override
  public BenchResult run(BenchEnvironment env) throws Exception {
    long events = BenchOptions.pick(env.options().events(), env.quick(), 20_000L, 1_000_000L);
    BenchResult result = new BenchResult(name());
    env.describe(result);
    result.config("events", events);
    result.config("task_keys", KEYS);
    String prefix = env.newPrefix(name());
    Topics topics = Topics.withPrefix(prefix);
    String topic = topics.events();
    env.createTopics(topic);
    long produced = produce(env.bootstrapServers(), topic, events);
    result.config("event_bytes_avg", produced / events);

    RawKafka.Throughput raw =
        RawKafka.consumerThroughput(env.bootstrapServers(), topic, "read_committed");
    result.baseline("records_per_s", raw.recordsPerSecond());
    result.baseline("consumer_mb_per_s", raw.mbPerSecond());

    Path dataDir = env.scratch("export-node");
    Map<String, Object> props = new HashMap<>(env.options().appConfig());
    props.put(AppConfig.BOOTSTRAP_SERVERS, env.bootstrapServers());
    props.put(AppConfig.TOPIC_PREFIX, prefix);
    props.put(AppConfig.APPLICATION_ID, prefix + "baton");
    props.put(AppConfig.DATA_DIR, dataDir.toString());
    AppConfig config = AppConfig.defaults(props);
    AuditSinkSettings settings = AuditSinkSettings.from(config);
    result.config("fsync_interval_ms", settings.fsyncInterval().toMillis());
    result.config("fsync_bytes", settings.fsyncBytes());
    result.config("segment_max_lines", settings.rotation().maxLines());
    Map<TopicPartition, Long> end = endOffsets(env, topic);
    CpuMeter cpu = CpuMeter.start();
    AuditSink sink = AuditSink.start(settings, System::currentTimeMillis);
    long first;
    long last;
    try {
      first = awaitFirstSegment(settings.dir(), sink);
      last = awaitCommitted(env, settings.groupId(), end, sink);
    } finally {
      sink.close();
    }
    cpu.addTo(result, "sink_");
    double seconds = (last - first) / 1e9;
    List<Path> segments = segmentFiles(settings.dir());
    long bytes = 0;
    for (Path p : segments) {
      bytes += Files.size(p);
    }
    result.metric("events_per_s", events / seconds);
    result.metric("mb_per_s", bytes / seconds / (1024 * 1024));
    result.config("audit_bytes", bytes);

    double writeMbPerSecond = bufferedWrite(segments, env.scratch("export-write"));
    result.baseline("buffered_write_mb_per_s", writeMbPerSecond);
    result.ratio("events_per_s/records_per_s", events / seconds, raw.recordsPerSecond());
    result.ratio(
        "mb_per_s/buffered_write_mb_per_s", bytes / seconds / (1024 * 1024), writeMbPerSecond);
    return result;
  }

  /** Produces {@code events} sample events keyed by their task; returns the bytes produced. */
  private static long produce(String bootstrap, String topic, long events) {
    EventSamples samples = new EventSamples(KEYS);
    long bytes = 0;
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = RawKafka.producer(bootstrap)) {
      for (long n = 0; n < events; n++) {
        byte[] value = samples.event(n);
        bytes += value.length;
        producer.send(
            new ProducerRecord<>(topic, samples.key(n).getBytes(), value),
            (m, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("producing sample events failed", failure.get());
    }
    return bytes;
  }

  private static Map<TopicPartition, Long> endOffsets(BenchEnvironment env, String topic) {
    try (KafkaConsumer<byte[], byte[]> c =
        RawKafka.consumer(env.bootstrapServers(), "read_committed")) {
      return c.endOffsets(RawKafka.partitions(c, topic));
    }
  }

  /** Waits until the sink has created a segment file; returns that moment. */
  private static long awaitFirstSegment(Path dir, AuditSink sink) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      if (!segmentFiles(dir).isEmpty()) {
        return System.nanoTime();
      }
      failIfStopped(sink);
      Thread.sleep(2);
    }
    throw new IllegalStateException("the audit sink wrote no segment within 2 minutes");
  }

  /** Waits until the group's committed offsets reach {@code end}; returns that moment. */
  private static long awaitCommitted(
      BenchEnvironment env, String group, Map<TopicPartition, Long> end, AuditSink sink)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    try (Admin admin = env.admin()) {
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        boolean all = true;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          if (e.getValue() > 0 && (c == null || c.offset() < e.getValue())) {
            all = false;
            break;
          }
        }
        if (all) {
          return System.nanoTime();
        }
        failIfStopped(sink);
        Thread.sleep(10);
      }
    }
    throw new IllegalStateException("the audit sink did not catch up within 30 minutes");
  }

  private static void failIfStopped(AuditSink sink) throws Exception {
    if (sink.stopped().isDone()) {
      sink.stopped().get();
      throw new IllegalStateException("the audit sink stopped");
    }
  }

  static List<Path> segmentFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().contains(".jsonl"))
          .sorted()
          .toList();
    }
  }

  /**
   * Writes the bytes of {@code files} (read into memory first) through a 64 KiB buffered stream to
   * one new file and fsyncs it once; returns MiB per second.
   */
  private static double bufferedWrite(List<Path> files, Path dir) throws IOException {
    List<byte[]> chunks = new ArrayList<>();
    long bytes = 0;
    for (Path f : files) {
      byte[] b = Files.readAllBytes(f);
      chunks.add(b);
      bytes += b.length;
    }
    Path target = dir.resolve("same-bytes.jsonl");
    long start = System.nanoTime();
    try (FileOutputStream file = new FileOutputStream(target.toFile());
        OutputStream out = new BufferedOutputStream(file, 64 * 1024)) {
      for (byte[] b : chunks) {
        // Line by line, as a writer of lines would hand them over.
        int from = 0;
        for (int i = 0; i < b.length; i++) {
          if (b[i] == '\n') {
            out.write(b, from, i + 1 - from);
            from = i + 1;
          }
        }
        out.write(b, from, b.length - from);
      }
      out.flush();
      file.getFD().sync();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Files.delete(target);
    return bytes / seconds / (1024 * 1024);
  }
}
