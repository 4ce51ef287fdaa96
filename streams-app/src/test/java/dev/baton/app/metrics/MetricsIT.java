package dev.baton.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.config.AppConfig;
import dev.baton.app.http.TestHttp;
import dev.baton.app.testing.ChildNodes;
import dev.baton.app.testing.KafkaTestCluster;
import dev.baton.app.testing.TestBaton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.streams.KafkaStreams;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.MetricType;
import org.hawkular.agent.prometheus.types.Summary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a real node ({@code baton up} in process: topology, gateway, both sinks)
 * and of a separate {@code baton sink} process ({@code --metrics-port}), scraped after a small
 * workload and read with a Prometheus text-format parser (Hawkular's, from Maven Central; see
 * docs/operations.md, Metrics): every line must parse, and the main series must say what happened.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private static final Pattern METRICS_URL =
      Pattern.compile("Metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)");

  private final String workspace = "ws-" + UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient client = HttpClient.newHttpClient();
  private final ChildNodes children = new ChildNodes();
  private TestBaton baton;
  private TestHttp http;
  private ChildNodes.Child sink;
  private Path sinkLog;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException {
    baton =
        TestBaton.start(
            dir.resolve("node"),
            Map.of(
                AppConfig.AUDIT_SEGMENT_MAX_LINES, 2,
                AppConfig.AUDIT_FSYNC_INTERVAL_MS, 20,
                AppConfig.CHECKPOINT_INTERVAL_MS, 500,
                AppConfig.PUNCTUATE_INTERVAL_MS, 50));
    http = new TestHttp(baton.httpBase());
    String prefix = (String) baton.config().values().get(AppConfig.TOPIC_PREFIX);
    Map<String, String> env = new HashMap<>(ChildNodes.sharedSettings(prefix, dir.resolve("sink")));
    // Groups of their own: this process reads every partition, next to the node's sinks.
    env.put("BATON_AUDIT_GROUP_ID", prefix + "metrics-audit");
    env.put("BATON_PROJECTION_GROUP_ID", prefix + "metrics-projection");
    env.put("BATON_AUDIT_SEGMENT_MAX_LINES", "2");
    sinkLog = dir.resolve("sink.log");
    sink = children.start("sink", sinkLog, env, "sink", "--metrics-port", "0");
  }

  @AfterAll
  void stop() throws InterruptedException {
    children.close();
    if (baton != null) {
      baton.close();
    }
  }

  @Test
  void shouldTellWhatTheNodeAndTheSeparateSinkDidInPrometheusTextFormat() throws Exception {
    String lockBody = "{\"resource\":\"src/Metrics.java\",\"mode\":\"EXCLUSIVE\"";
    TestHttp.Reply created =
        http.send(
            "POST", "/v1/tasks/" + workspace, "alice", "{\"id\":\"t-metrics\",\"title\":\"x\"}");
    assertThat(created.status()).as(created.raw()).isEqualTo(201);
    TestHttp.Reply held = http.send("POST", locks("acquire"), "alice", lockBody + "}");
    assertThat(held.status()).as(held.raw()).isEqualTo(200);
    TestHttp.Reply queued =
        http.send("POST", locks("acquire"), "bob", lockBody + ",\"waitMs\":30000,\"async\":true}");
    assertThat(queued.status()).as(queued.raw()).isEqualTo(202);
    TestHttp.Reply released =
        http.send("POST", locks("release"), "alice", "{\"resource\":\"src/Metrics.java\"}");
    assertThat(released.status()).as(released.raw()).isEqualTo(200);
    TestHttp.Reply shortLease =
        http.send(
            "POST",
            locks("acquire"),
            "carol",
            "{\"resource\":\"src/Lease.java\",\"mode\":\"EXCLUSIVE\",\"leaseMs\":200}");
    assertThat(shortLease.status()).as(shortLease.raw()).isEqualTo(200);

    // The grant after the wait, the lease expiry, the sinks and a checkpoint come asynchronously.
    Scrape node =
        awaitScrape(
            baton.httpBase() + "/metrics",
            s ->
                s.counter("baton_lock_lease_expiries_total", Map.of()) >= 1
                    && s.histogramCount("baton_lock_wait_seconds", Map.of("outcome", "granted"))
                        >= 1
                    && s.counter("baton_sink_segment_rotations_total", Map.of("sink", "audit")) >= 1
                    && s.checkpoints() >= 1
                    && s.caughtUp("audit")
                    && s.caughtUp("projection")
                    // Task metrics come with the first binder refresh after the assignment, and
                    // with them the stores' would, were they not left out.
                    && !s.familiesStartingWith("kafka_stream_task_").isEmpty());

    // Commands and outcomes by type and code.
    assertThat(node.counter("baton_commands_total", Map.of("type", "task.create"))).isEqualTo(1);
    assertThat(node.counter("baton_commands_total", Map.of("type", "lock.acquire"))).isEqualTo(3);
    assertThat(
            node.counter(
                "baton_outcomes_total",
                Map.of("type", "lock.acquire", "status", "QUEUED", "code", "OK")))
        .isEqualTo(1);
    assertThat(
            node.counter(
                "baton_outcomes_total",
                Map.of("type", "lock.acquire", "status", "GRANTED", "code", "OK")))
        .isEqualTo(3);
    // Latency histograms: in the processor, and end to end at the gateway.
    assertThat(
            node.histogramCount("baton_processor_command_seconds", Map.of("type", "lock.acquire")))
        .isEqualTo(3);
    assertThat(
            node.histogramCount(
                "baton_gateway_command_seconds", Map.of("type", "lock.acquire", "status", "202")))
        .isEqualTo(1);
    assertThat(
            node.histogramCount(
                "baton_gateway_command_seconds", Map.of("type", "task.create", "status", "201")))
        .isEqualTo(1);
    // Lock wait time and queue length: bob joined a queue of one and waited for the release.
    assertThat(node.histogramCount("baton_lock_queue_length", Map.of())).isEqualTo(1);
    assertThat(node.histogramSum("baton_lock_queue_length", Map.of())).isEqualTo(1.0);
    assertThat(node.histogramCount("baton_lock_wait_seconds", Map.of("outcome", "granted")))
        .isEqualTo(1);
    // The sinks: lag per partition (caught up), state, fsync time.
    for (String partition : List.of("0", "1", "2")) {
      assertThat(
              node.gauge("baton_sink_lag_records", Map.of("sink", "audit", "partition", partition)))
          .isZero();
    }
    assertThat(node.gauge("baton_sink_state", Map.of("sink", "audit", "state", "RUNNING")))
        .isEqualTo(1.0);
    assertThat(node.gauge("baton_sink_state", Map.of("sink", "projection", "state", "STALLED")))
        .isZero();
    assertThat(node.histogramCount("baton_sink_fsync_seconds", Map.of("sink", "audit")))
        .isPositive();
    // Start-up and rebalance time.
    double streamsUp = node.gauge("baton_streams_startup_seconds", Map.of());
    assertThat(streamsUp).isPositive();
    assertThat(node.gauge("baton_node_startup_seconds", Map.of()))
        .isGreaterThanOrEqualTo(streamsUp);
    assertThat(node.gauge("baton_streams_state", Map.of("state", "RUNNING"))).isEqualTo(1.0);
    assertThat(node.gauge("baton_streams_state", Map.of("state", "REBALANCING"))).isZero();
    assertThat(node.histogramCount("baton_streams_rebalance_seconds", Map.of())).isPositive();
    // Kafka Streams and client metrics, the JVM. The node runs with transactional state stores
    // (the default): Kafka Streams' client, thread and task metrics are there, its stores' are
    // not (StreamsMetricsBinder: reading them from another thread crashed the JVM).
    assertThat((Boolean) baton.config().values().get(AppConfig.STATE_TRANSACTIONAL)).isTrue();
    assertThat(node.familiesStartingWith("kafka_stream_thread_")).isNotEmpty();
    assertThat(node.gauge("kafka_stream_alive_stream_threads", Map.of())).isPositive();
    assertThat(node.familiesStartingWith("kafka_stream_state_"))
        .allMatch(f -> f.startsWith("kafka_stream_state_updater_"));
    assertThat(node.labelNames()).noneMatch(l -> l.endsWith("_state_id"));
    System.out.println("Kafka Streams families: " + node.familiesStartingWith("kafka_stream_"));
    assertThat(node.familiesStartingWith("kafka_consumer_")).isNotEmpty();
    assertThat(node.families).containsKeys("jvm_memory_used_bytes", "jvm_threads_live_threads");
    // Low cardinality: no workspace, agent, task or resource ever becomes a label.
    assertThat(node.labelValues())
        .noneMatch(v -> v.contains(workspace) || v.contains("alice") || v.contains("src/"))
        .noneMatch(v -> v.contains("t-metrics"));

    // The separate sink process, on its metrics-only port.
    children.await("the sink serves metrics", () -> METRICS_URL.matcher(sink.output()).find());
    Matcher url = METRICS_URL.matcher(sink.output());
    assertThat(url.find()).isTrue();
    Scrape alone = awaitScrape(url.group(1), s -> s.caughtUp("audit") && s.caughtUp("projection"));
    assertThat(alone.gauge("baton_sink_state", Map.of("sink", "audit", "state", "RUNNING")))
        .isEqualTo(1.0);
    assertThat(alone.counter("baton_sink_segment_rotations_total", Map.of("sink", "audit")))
        .isPositive();
    assertThat(alone.familiesStartingWith("kafka_consumer_")).isNotEmpty();
    assertThat(alone.families).containsKey("baton_node_startup_seconds");
    assertThat(alone.families).doesNotContainKey("baton_processor_command_seconds");
    assertThat(status(url.group(1).replace("/metrics", "/other"))).isEqualTo(404);
  }

  /**
   * What Kafka Streams 4.4 registers in a running node with transactional stores, and what of it
   * the binder is given: every group but the stores' ({@value StreamsMetricsBinder#STATE_GROUP}),
   * and none of the kept metrics gets its value from state store code (RocksDB). Only the metric
   * objects' classes are looked at, never a store metric's value.
   */
  @Test
  void shouldLeaveOutExactlyTheStateStoreMetricsOfTheRunningTopology() throws Exception {
    KafkaStreams streams = baton.service().streams();
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (streams.metrics().keySet().stream().noneMatch(n -> n.name().equals("uncommitted-bytes"))
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    Map<MetricName, ? extends org.apache.kafka.common.Metric> live = streams.metrics();
    Map<MetricName, org.apache.kafka.common.Metric> kept =
        StreamsMetricsBinder.withoutStateStores(live);
    Map<String, Set<String>> sources = new TreeMap<>();
    live.forEach(
        (name, metric) ->
            sources.computeIfAbsent(name.group(), g -> new TreeSet<>()).add(source(metric)));
    System.out.println("Kafka Streams metric groups and where their values come from:");
    sources.forEach((group, from) -> System.out.println("  " + group + ": " + from));

    // The dangerous gauge exists in this mode: the transactional stores' uncommitted bytes.
    assertThat(live.keySet())
        .anyMatch(
            n ->
                n.group().equals(StreamsMetricsBinder.STATE_GROUP)
                    && n.name().equals("uncommitted-bytes"));
    // Dropped: exactly the state store group.
    assertThat(live.keySet().stream().filter(n -> !kept.containsKey(n)).map(MetricName::group))
        .isNotEmpty()
        .allMatch(StreamsMetricsBinder.STATE_GROUP::equals);
    assertThat(kept.keySet().stream().map(MetricName::group))
        .contains("stream-metrics", "stream-thread-metrics", "stream-task-metrics")
        .doesNotContain(StreamsMetricsBinder.STATE_GROUP);
    // Kept: nothing whose value is computed by state store code.
    assertThat(kept.values().stream().map(MetricsIT::source))
        .noneMatch(c -> c.startsWith("org.apache.kafka.streams.state.") || c.contains("RocksDB"));
    assertThat(sources.get(StreamsMetricsBinder.STATE_GROUP))
        .anyMatch(c -> c.startsWith("org.apache.kafka.streams.state."));
  }

  /** The class that computes a Kafka metric's value (a stat, or a gauge's lambda). */
  private static String source(org.apache.kafka.common.Metric metric) {
    if (!(metric instanceof KafkaMetric k)) {
      return metric.getClass().getName();
    }
    try {
      Field provider = KafkaMetric.class.getDeclaredField("metricValueProvider");
      provider.setAccessible(true);
      String name = provider.get(k).getClass().getName();
      int lambda = name.indexOf("$$Lambda");
      return lambda < 0 ? name : name.substring(0, lambda);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("KafkaMetric changed: " + e, e);
    }
  }

  private String locks(String action) {
    return "/v1/locks/" + workspace + "/" + action;
  }

  private int status(String url) throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Scrapes {@code url} until {@code done} holds; every scrape must parse whole. */
  private Scrape awaitScrape(String url, Predicate<Scrape> done) throws Exception {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    Scrape last;
    do {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .get()
          .asString()
          .startsWith("text/plain; version=0.0.4");
      last = Scrape.parse(response.body());
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("metrics at " + url + " never showed it; last scrape:\n" + last.text);
  }

  /** One scrape, parsed by the Prometheus text-format parser. */
  private record Scrape(String text, Map<String, MetricFamily> families) {
    static Scrape parse(String text) throws IOException {
      Map<String, MetricFamily> families = new HashMap<>();
      TextPrometheusMetricDataParser parser =
          new TextPrometheusMetricDataParser(
              new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
      int samples = 0;
      for (MetricFamily f = parser.parse(); f != null; f = parser.parse()) {
        assertThat(families.put(f.getName(), f)).as("family %s twice", f.getName()).isNull();
        samples += samples(f);
      }
      // The parser skips a line it cannot read: every sample line must be one it accounted for.
      long lines = text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
      assertThat(samples)
          .as("samples the parser read, of %s lines:%n%s", lines, text)
          .isEqualTo(lines);
      assertThat(families).isNotEmpty();
      System.out.printf(
          "scrape: %d families, %d samples, %d bytes%n", families.size(), samples, text.length());
      return new Scrape(text, families);
    }

    private static int samples(MetricFamily f) {
      int n = 0;
      for (Metric m : f.getMetrics()) {
        if (m instanceof Histogram h) {
          n += h.getBuckets().size() + 2;
        } else if (m instanceof Summary s) {
          n += s.getQuantiles().size() + 2;
        } else {
          n++;
        }
      }
      return n;
    }

    private Metric one(String family, MetricType type, Map<String, String> labels) {
      MetricFamily f = families.get(family);
      if (f == null) {
        return null;
      }
      assertThat(f.getType()).as(family).isEqualTo(type);
      List<Metric> matching = new ArrayList<>();
      for (Metric m : f.getMetrics()) {
        if (m.getLabels().entrySet().containsAll(labels.entrySet())) {
          matching.add(m);
        }
      }
      assertThat(matching).as("%s%s", family, labels).hasSizeLessThanOrEqualTo(1);
      return matching.isEmpty() ? null : matching.get(0);
    }

    double counter(String family, Map<String, String> labels) {
      Metric m = one(family, MetricType.COUNTER, labels);
      return m == null ? 0 : ((Counter) m).getValue();
    }

    double gauge(String family, Map<String, String> labels) {
      Metric m = one(family, MetricType.GAUGE, labels);
      assertThat(m).as("%s%s", family, labels).isNotNull();
      return ((Gauge) m).getValue();
    }

    long histogramCount(String family, Map<String, String> labels) {
      Metric m = one(family, MetricType.HISTOGRAM, labels);
      if (m == null) {
        return 0;
      }
      Histogram h = (Histogram) m;
      // Cumulative buckets, the last one (+Inf) holding every observation.
      long previous = 0;
      for (Histogram.Bucket b : h.getBuckets()) {
        assertThat(b.getCumulativeCount()).as(family).isGreaterThanOrEqualTo(previous);
        previous = b.getCumulativeCount();
      }
      assertThat(previous).as(family + " +Inf bucket").isEqualTo(h.getSampleCount());
      return h.getSampleCount();
    }

    /** Checkpoints taken, full and incremental. */
    long checkpoints() {
      return histogramCount("baton_sink_checkpoint_seconds", Map.of("kind", "full"))
          + histogramCount("baton_sink_checkpoint_seconds", Map.of("kind", "incremental"));
    }

    double histogramSum(String family, Map<String, String> labels) {
      return ((Histogram) one(family, MetricType.HISTOGRAM, labels)).getSampleSum();
    }

    /** Every partition of {@code sink} has a lag series, and all are 0. */
    boolean caughtUp(String sink) {
      MetricFamily f = families.get("baton_sink_lag_records");
      if (f == null) {
        return false;
      }
      List<Double> lags = new ArrayList<>();
      for (Metric m : f.getMetrics()) {
        if (sink.equals(m.getLabels().get("sink"))) {
          lags.add(((Gauge) m).getValue());
        }
      }
      return lags.size() == KafkaTestCluster.DEFAULT_PARTITIONS
          && lags.stream().allMatch(l -> l == 0);
    }

    List<String> familiesStartingWith(String prefix) {
      return families.keySet().stream().filter(n -> n.startsWith(prefix)).toList();
    }

    Set<String> labelNames() {
      return labels().flatMap(l -> l.keySet().stream()).collect(Collectors.toSet());
    }

    List<String> labelValues() {
      return labels().flatMap(l -> l.values().stream()).toList();
    }

    /** The labels of every series. */
    private Stream<Map<String, String>> labels() {
      return families.values().stream()
          .flatMap(f -> f.getMetrics().stream())
          .map(Metric::getLabels);
    }
  }
}
