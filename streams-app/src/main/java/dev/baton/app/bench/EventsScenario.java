package dev.baton.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code events}: commit-to-receipt latency of the event feed ({@code GET /v1/events} long polls)
 * with 1, 100 and 500 watchers on one node, next to a raw {@code read_committed} consumer of {@code
 * baton.events} in the same run.
 *
 * <p>One agent updates a task at a paced rate; every event's latency is the time from its {@code
 * at} (when the topology applied it, just before the transaction commits) to when a watcher parsed
 * it. Every watcher counts (500 watchers give 500 samples per event). The raw consumer sees the
 * same events in the same phases, so {@code watchers_N_p99_ms / raw_p99_ms} is the feed's cost.
 */
public final class EventsScenario implements Scenario {
  private static final int[] WATCHERS = {1, 100, 500};

  @Override
  public String name() {
    return "events";
  }

  @Override
  public BenchResult run(BenchEnvironment env) throws Exception {
    BenchOptions o = env.options();
    Duration measure = BenchOptions.pick(o.seconds(), env.quick(), seconds(2), seconds(10));
    int rate = env.quick() ? 20 : 50;
    BenchResult result = new BenchResult(name());
    env.describe(result);
    result.config("events_per_s", rate);
    result.config("measure_s_per_phase", measure.toSeconds());
    result.config("watchers", List.of(1, 100, 500));
    result.config("watcher", "HTTP long poll, waitMs=20000, java.net.http client");
    try (BenchNode node = env.startNode(name());
        BatonClient agent = node.client("bench-events")) {
      String ws = "bench";
      BatonClient writer = agent.as("bench-events", ws);
      writer.tasks().create(NewTask.titled("events").withId("e")).get(60, TimeUnit.SECONDS);
      ExecutorService pool = Executors.newFixedThreadPool(4, daemon());
      HttpClient http =
          HttpClient.newBuilder().executor(pool).connectTimeout(Duration.ofSeconds(10)).build();
      long version = 1;
      for (int watchers : WATCHERS) {
        Latency feed = new Latency();
        Latency raw = new Latency();
        try (RawWatcher baseline = new RawWatcher(node, raw);
            Watchers watching = new Watchers(http, node.httpBase(), ws, watchers, feed)) {
          watching.awaitPolling();
          version = update(writer, version, rate, measure);
          long sent = rate * measure.toSeconds();
          watching.awaitCount(sent, Duration.ofSeconds(30));
          baseline.awaitCount(sent, Duration.ofSeconds(30));
          result.metric("watchers_" + watchers + "_missing", sent * watchers - watching.received());
        }
        result.metric("watchers_" + watchers + "_p50_ms", feed.p50Ms());
        result.metric("watchers_" + watchers + "_p99_ms", feed.p99Ms());
        result.metric("watchers_" + watchers + "_samples", feed.count());
        result.baseline("raw_" + watchers + "_p50_ms", raw.p50Ms());
        result.baseline("raw_" + watchers + "_p99_ms", raw.p99Ms());
        result.ratio("watchers_" + watchers + "_p99_ms/raw_p99_ms", feed.p99Ms(), raw.p99Ms());
      }
      pool.shutdownNow();
    }
    result.note(
        "broker, node, writer, raw consumer and all watchers share one JVM on "
            + Runtime.getRuntime().availableProcessors()
            + " cores; latency is from the event's 'at' (millisecond clock) to receipt");
    return result;
  }

  /** Sends {@code rate} task updates per second for {@code measure}; returns the next version. */
  private static long update(BatonClient writer, long version, int rate, Duration measure)
      throws Exception {
    long total = rate * measure.toSeconds();
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    long v = version;
    for (long i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      writer
          .tasks()
          .update("e", v, JsonNodeFactory.instance.objectNode().put("title", "events " + i))
          .get(60, TimeUnit.SECONDS);
      v++;
    }
    return v;
  }

  private static void record(Latency latency, JsonNode event) {
    String at = event.path("at").asText(null);
    if (at != null && "task.updated".equals(event.path("type").asText())) {
      Duration d = Duration.between(Instant.parse(at), Instant.now());
      latency.recordNanos(Math.max(0, d.toNanos()));
    }
  }

  /** N long-poll watchers driven by one async HTTP client: no thread per watcher here either. */
  private static final class Watchers implements AutoCloseable {
    private final HttpClient http;
    private final String base;
    private final Latency latency;
    private final int count;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong polling = new AtomicLong();
    private final String start;

    Watchers(HttpClient http, String node, String ws, int count, Latency latency)
        throws IOException, InterruptedException {
      this.http = http;
      this.base = node + "/v1/events/" + ws + "?types=task.updated&limit=1000&waitMs=20000";
      this.latency = latency;
      this.count = count;
      HttpResponse<String> now =
          http.send(
              HttpRequest.newBuilder(URI.create(node + "/v1/events/" + ws)).build(),
              HttpResponse.BodyHandlers.ofString());
      this.start = Json.mapper().readTree(now.body()).path("next").asText();
      for (int i = 0; i < count; i++) {
        poll(start);
      }
    }

    private void poll(String cursor) {
      if (!running.get()) {
        return;
      }
      polling.incrementAndGet();
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(base + "&after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)))
              .timeout(Duration.ofSeconds(60))
              .build();
      http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .whenComplete(
              (response, failure) -> {
                polling.decrementAndGet();
                if (failure != null || response.statusCode() != 200) {
                  return;
                }
                try {
                  JsonNode page = Json.mapper().readTree(response.body());
                  for (JsonNode e : page.path("events")) {
                    record(latency, e);
                    received.incrementAndGet();
                  }
                  poll(page.path("next").asText());
                } catch (IOException e) {
                  // counted as missing by awaitCount
                }
              });
    }

    /**
     * Every watcher's first poll is in flight; a short settle lets them reach the server before the
     * first event (a late one would still get it, from its cursor, only later).
     */
    void awaitPolling() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (polling.get() < count && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }

    long received() {
      return received.get();
    }

    void awaitCount(long events, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (received.get() < events * count && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }

    @Override
    public void close() {
      running.set(false);
    }
  }

  /** The baseline: one raw read_committed consumer of baton.events from its end. */
  private static final class RawWatcher implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong received = new AtomicLong();

    RawWatcher(BenchNode node, Latency latency) {
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.service().bootstrapServers());
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      consumer = new KafkaConsumer<>(props);
      String topic = node.config().topics().events();
      List<TopicPartition> tps = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
      consumer.assign(tps);
      consumer.seekToEnd(tps);
      tps.forEach(consumer::position);
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    try {
                      JsonNode e = Json.mapper().readTree(r.value());
                      if ("task.updated".equals(e.path("type").asText())) {
                        record(latency, e);
                        received.incrementAndGet();
                      }
                    } catch (IOException e) {
                      // not an event
                    }
                  }
                }
                consumer.close();
              },
              "bench-events-raw");
      thread.setDaemon(true);
      thread.start();
    }

    void awaitCount(long events, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (received.get() < events && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "bench-events-http");
      t.setDaemon(true);
      return t;
    };
  }

  private static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
