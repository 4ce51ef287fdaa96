package dev.baton.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kafka Streams' metrics as {@link StreamsMetricsBinder} hands them to Micrometer: the state store
 * groups are dropped by name, and their values are never read, neither while binding nor while
 * scraping. The metric names are those Kafka Streams 4.4 registers (MetricsIT lists the live ones).
 */
class StreamsMetricsBinderTest {
  private static final Map<String, String> THREAD = Map.of("thread-id", "app-StreamThread-1");
  private static final Map<String, String> TASK =
      Map.of("thread-id", "app-StreamThread-1", "task-id", "0_1");
  private static final Map<String, String> STORE =
      Map.of("thread-id", "app-StreamThread-1", "task-id", "0_1", "rocksdb-state-id", "locks");

  /** Every value read, by metric name. */
  private final Set<String> read = ConcurrentHashMap.newKeySet();

  private final Map<MetricName, Metric> metrics = new LinkedHashMap<>();
  private final ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  StreamsMetricsBinderTest() {
    add("stream-metrics", "alive-stream-threads", Map.of("client-id", "app"));
    add("stream-thread-metrics", "process-rate", THREAD);
    add("stream-thread-metrics", "commit-total", THREAD);
    add("stream-task-metrics", "dropped-records-total", TASK);
    add("stream-processor-node-metrics", "process-total", Map.of("processor-node-id", "commands"));
    add("stream-topic-metrics", "records-consumed-total", Map.of("topic", "baton.commands"));
    add("stream-record-cache-metrics", "hit-ratio-avg", Map.of("record-cache-id", "locks"));
    add("stream-state-updater-metrics", "active-restoring-tasks", THREAD);
    add("consumer-fetch-manager-metrics", "records-lag-max", Map.of("client-id", "c"));
    add("producer-metrics", "record-send-rate", Map.of("client-id", "p"));
    add("admin-client-metrics", "request-rate", Map.of("client-id", "a"));
    // The state stores': the transactional stores' gauge reads the RocksDB write batch natively.
    add(StreamsMetricsBinder.STATE_GROUP, "uncommitted-bytes", STORE);
    add(StreamsMetricsBinder.STATE_GROUP, "size-all-mem-tables", STORE);
    add(StreamsMetricsBinder.STATE_GROUP, "put-rate", Map.of("in-memory-state-id", "routes"));
    // Each rule alone: the group without a store tag, a RocksDB group, a store's tag elsewhere.
    add(StreamsMetricsBinder.STATE_GROUP, "total-sst-files-size", THREAD);
    add("stream-rocksdb-metrics", "block-cache-usage", TASK);
    add("stream-task-metrics", "store-bytes", STORE);
  }

  @AfterEach
  void close() {
    refresh.shutdownNow();
    registry.close();
  }

  @Test
  void shouldDropExactlyTheStateStoreMetricsWithoutReadingAnyValue() {
    Map<MetricName, Metric> kept = StreamsMetricsBinder.withoutStateStores(metrics);

    assertThat(kept.keySet().stream().map(MetricName::group).distinct())
        .containsExactly(
            "stream-metrics",
            "stream-thread-metrics",
            "stream-task-metrics",
            "stream-processor-node-metrics",
            "stream-topic-metrics",
            "stream-record-cache-metrics",
            "stream-state-updater-metrics",
            "consumer-fetch-manager-metrics",
            "producer-metrics",
            "admin-client-metrics");
    assertThat(kept.keySet().stream().map(MetricName::name))
        .doesNotContain("uncommitted-bytes", "size-all-mem-tables", "put-rate")
        .doesNotContain("total-sst-files-size", "block-cache-usage", "store-bytes")
        .contains("dropped-records-total");
    assertThat(read).isEmpty();
  }

  @Test
  void shouldBindTheThreadClientAndTaskMetricsAndNeverReadAStoreMetric() {
    try (KafkaClientMetrics binder =
        StreamsMetricsBinder.of(() -> metrics, refresh, Duration.ofMinutes(1))) {
      binder.bindTo(registry);
      String scrape = registry.scrape();

      assertThat(registry.getMeters().stream().map(Meter::getId).map(Meter.Id::getName))
          .contains(
              "kafka.stream.alive.stream.threads",
              "kafka.stream.thread.process.rate",
              "kafka.stream.thread.commit.total",
              "kafka.stream.task.dropped.records.total",
              "kafka.stream.state.updater.active.restoring.tasks",
              "kafka.consumer.fetch.manager.records.lag.max")
          .noneMatch(n -> n.startsWith("kafka.stream.state.") && !n.contains(".updater."))
          .noneMatch(n -> n.contains("rocksdb") || n.endsWith("store.bytes"));
      assertThat(scrape)
          .contains("kafka_stream_thread_process_rate{")
          .doesNotContain("uncommitted", "rocksdb", "mem_tables", "sst_files", "state_id");
      // Binding read the kept values (to skip non-numeric ones), the scrape read them again; a
      // store's value was read by no one.
      assertThat(read)
          .contains("process-rate", "alive-stream-threads")
          .doesNotContain("uncommitted-bytes", "size-all-mem-tables", "put-rate")
          .doesNotContain("total-sst-files-size", "block-cache-usage", "store-bytes");
    }
  }

  private void add(String group, String name, Map<String, String> tags) {
    MetricName metricName = new MetricName(name, group, "", tags);
    metrics.put(metricName, new RecordedMetric(metricName, read));
  }

  /** A metric that notes each read of its value. */
  private record RecordedMetric(MetricName metricName, Set<String> read) implements Metric {
    @Override
    public Object metricValue() {
      read.add(metricName.name());
      return 1.0;
    }
  }
}
