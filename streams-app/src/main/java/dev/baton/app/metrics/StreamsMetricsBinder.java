package dev.baton.app.metrics;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Micrometer's Kafka binder over Kafka Streams' metrics <em>without those of its state stores</em>:
 * the client ({@code stream-metrics}), thread, task, processor node, topic, record cache and state
 * updater groups and the embedded clients' metrics are bound; {@value #STATE_GROUP}, any group
 * named after RocksDB and any metric scoped to a store (a {@code *-state-id} tag) are not.
 *
 * <p>Why: a store's metrics may read RocksDB natively when their value is asked for (the
 * transactional stores' {@code uncommitted-bytes} gauge reads the write batch, {@code
 * WriteBatch.getDataSize}; the RocksDB property gauges call {@code getLongProperty}). Asked from
 * another thread while the stream thread closes the task (a rebalance), that read touches freed
 * native memory: the JVM crashed with SIGSEGV. Those values must never be read by anyone but Kafka
 * itself, so the store metrics are dropped before Micrometer sees them at all.
 *
 * <p>A Micrometer {@code MeterFilter} denying those names would not do: {@code
 * KafkaMetrics.checkAndBindMetrics} (micrometer-core, {@code binder/kafka/KafkaMetrics.java}) calls
 * {@code metricValue()} on <em>every</em> metric the client hands it, to skip non-numeric ones,
 * before a meter is built and the filter is asked; it runs at bind time and on the refresh thread
 * whenever the set of metric names changed, i.e. just when tasks open and close. So the binder must
 * be given a metrics map that does not hold them. Micrometer takes such a map only through
 * package-private constructors; its public door is a client whose {@code metrics()} it calls
 * ({@code KafkaClientMetrics}: {@code super(kafkaProducer::metrics, ...)}, nothing else of the
 * client is touched). Hence the {@link Producer} view below that answers {@code metrics()} and
 * refuses every other call: the binder's naming, counter detection and refresh stay Micrometer's,
 * and the meters are the same {@code kafka_stream_*} ones {@code KafkaStreamsMetrics} would make.
 */
final class StreamsMetricsBinder {
  /** Kafka Streams' state store metrics group (RocksDB statistics and properties too). */
  static final String STATE_GROUP = "stream-state-metrics";

  private StreamsMetricsBinder() {}

  /**
   * A binder of Kafka Streams' metrics ({@link KafkaStreams#metrics}, which only collects the
   * metric objects and reads no value) without the stores' ({@link #withoutStateStores}); the
   * caller binds and closes it.
   */
  static KafkaClientMetrics of(
      Supplier<Map<MetricName, ? extends Metric>> streamsMetrics,
      ScheduledExecutorService refresh,
      Duration interval) {
    return new KafkaClientMetrics(
        metricsOnly(() -> withoutStateStores(streamsMetrics.get())), List.of(), refresh, interval);
  }

  /** Whether {@code name} is a state store's metric, which must never be read from outside. */
  static boolean isStateStoreMetric(MetricName name) {
    return STATE_GROUP.equals(name.group())
        || name.group().contains("rocksdb")
        || name.tags().keySet().stream().anyMatch(tag -> tag.endsWith("-state-id"));
  }

  /** {@code metrics} without the state stores' ones; looks at names only, never at a value. */
  static Map<MetricName, Metric> withoutStateStores(Map<MetricName, ? extends Metric> metrics) {
    Map<MetricName, Metric> kept = new LinkedHashMap<>();
    metrics.forEach(
        (name, metric) -> {
          if (!isStateStoreMetric(name)) {
            kept.put(name, metric);
          }
        });
    return kept;
  }

  /** A {@link Producer} that only answers {@code metrics()}: all that Micrometer's binder calls. */
  private static Producer<?, ?> metricsOnly(Supplier<Map<MetricName, Metric>> metrics) {
    return (Producer<?, ?>)
        Proxy.newProxyInstance(
            StreamsMetricsBinder.class.getClassLoader(),
            new Class<?>[] {Producer.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "metrics" -> metrics.get();
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "Kafka Streams metrics without state stores";
                  default ->
                      throw new UnsupportedOperationException(
                          method.getName() + " on the metrics-only view of Kafka Streams");
                });
  }
}
