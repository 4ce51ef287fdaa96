package dev.baton.app.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one Baton process: it owns the {@link MeterRegistry} and hands the instrumented
 * parts their meters ({@link #commands()}, {@link #gateway()}, {@link #sink(String)}), so that an
 * instrumented line stays one call. {@link #scrape()} renders everything in the Prometheus text
 * format (version 0.0.4) for {@code GET /metrics}.
 *
 * <p>Every Baton meter is named {@code baton_*} and tagged only with low-cardinality values
 * (command type, outcome status and code, sink, partition, route): never a task id, lock key or
 * agent name. Kafka Streams (without its state stores) and the sinks' Kafka consumers are bound
 * with Micrometer's Kafka binders ({@code kafka_*}); the JVM and process meters are Micrometer's
 * ({@code jvm_*}, {@code process_*}). The series are listed in docs/operations.md.
 */
public final class BatonMetrics implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatonMetrics.class);

  /** The content type of {@link #scrape()}: Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** How often the Kafka binders look for client metrics that appeared since. */
  private static final Duration KAFKA_REFRESH = Duration.ofSeconds(30);

  private final MeterRegistry registry;
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private final GatewayMetrics gateway;
  private ScheduledExecutorService kafkaRefresh;
  private final long startedNanos = System.nanoTime();
  private final AtomicLong upNanos = new AtomicLong(-1);
  private volatile CommandMetrics.Meters commandMeters;

  private BatonMetrics(MeterRegistry registry, boolean process) {
    this.registry = registry;
    this.gateway = new GatewayMetrics(registry);
    if (process) {
      bindProcess();
    }
    TimeGauge.builder(
            "baton.node.startup",
            upNanos,
            TimeUnit.NANOSECONDS,
            n -> n.get() < 0 ? Double.NaN : n.get())
        .description(
            "Time from the start of this node (or sink process) until every part ran; NaN until"
                + " then")
        .register(registry);
  }

  /** The metrics of a node or sink process: Prometheus registry, JVM and process meters. */
  public static BatonMetrics prometheus() {
    return new BatonMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
  }

  /** Metrics recorded into {@code registry} (tests give a simple registry), without JVM meters. */
  public static BatonMetrics over(MeterRegistry registry) {
    return new BatonMetrics(registry, false);
  }

  /** Metrics that go nowhere: for parts started without a node (tests, tools). */
  public static BatonMetrics none() {
    return new BatonMetrics(new CompositeMeterRegistry(), false);
  }

  private void bindProcess() {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    closeables.add(gc);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The processor's meters; each processor instance keeps its own cache over the shared ones. */
  public CommandMetrics commands() {
    CommandMetrics.Meters meters = commandMeters;
    if (meters == null) {
      synchronized (this) {
        if (commandMeters == null) {
          commandMeters = new CommandMetrics.Meters(registry);
        }
        meters = commandMeters;
      }
    }
    return new CommandMetrics(meters);
  }

  /** The meters of the HTTP gateway. */
  public GatewayMetrics gateway() {
    return gateway;
  }

  /** The meters of one sink ({@code audit} or {@code projection}). */
  public SinkMetrics sink(String sink) {
    return new SinkMetrics(registry, sink);
  }

  /**
   * Binds Kafka Streams' own metrics and those of its clients ({@code kafka_stream_*}, {@code
   * kafka_consumer_*}, {@code kafka_producer_*}, {@code kafka_admin_client_*}), except its state
   * stores' ({@link StreamsMetricsBinder}: reading them from another thread crashed the JVM), and
   * follows its state: {@code baton_streams_state}, the time to the first {@code RUNNING} and each
   * stay in {@code REBALANCING}. Call before {@code streams.start()}.
   */
  public StreamsStateMetrics streams(KafkaStreams streams) {
    KafkaClientMetrics binder =
        StreamsMetricsBinder.of(streams::metrics, kafkaRefresh(), KAFKA_REFRESH);
    binder.bindTo(registry);
    closeables.add(binder);
    return new StreamsStateMetrics(registry, startedNanos);
  }

  /**
   * Binds a Kafka consumer's metrics (a sink's), until {@link #close()} or until the returned
   * binding is closed (a sink that replaces its consumer unbinds the old one first).
   */
  public AutoCloseable bindConsumer(Consumer<?, ?> consumer) {
    KafkaClientMetrics binder =
        new KafkaClientMetrics(consumer, List.of(), kafkaRefresh(), KAFKA_REFRESH);
    binder.bindTo(registry);
    closeables.add(binder);
    return () -> {
      if (closeables.remove(binder)) {
        binder.close();
      }
    };
  }

  /** The one thread that refreshes the Kafka binders' meters (new client metrics), made on need. */
  private synchronized ScheduledExecutorService kafkaRefresh() {
    if (kafkaRefresh == null) {
      kafkaRefresh =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "baton-metrics-kafka");
                t.setDaemon(true);
                return t;
              });
      closeables.add(kafkaRefresh::shutdownNow);
    }
    return kafkaRefresh;
  }

  /** Notes that every part of the process runs ({@code baton_node_startup_seconds}). */
  public void up() {
    upNanos.compareAndSet(-1, System.nanoTime() - startedNanos);
  }

  /** A gauge read when scraped: {@code value} must be cheap and thread-safe. */
  public <T> void gauge(
      String name, String description, T state, java.util.function.ToDoubleFunction<T> value) {
    Gauge.builder(name, state, value)
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Everything, in the Prometheus text format ({@link #CONTENT_TYPE}); empty without Prometheus.
   */
  public String scrape() {
    return registry instanceof PrometheusMeterRegistry p ? p.scrape(CONTENT_TYPE) : "";
  }

  /** A timer with explicit histogram buckets (a few, so that a series stays small). */
  static Timer.Builder histogram(String name, String description, Duration... buckets) {
    return Timer.builder(name).description(description).serviceLevelObjectives(buckets);
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("closing a metrics binder failed", e);
      }
    }
    closeables.clear();
    registry.close();
  }
}
