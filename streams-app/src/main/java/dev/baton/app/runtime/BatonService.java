package dev.baton.app.runtime;

import dev.baton.app.broker.EmbeddedKafkaBroker;
import dev.baton.app.config.AppConfig;
import dev.baton.app.http.HttpApi;
import dev.baton.app.sink.audit.AuditSink;
import dev.baton.app.sink.projection.ProjectionSink;
import dev.baton.app.topology.TopologyFactory;
import dev.baton.sdk.BatonClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Baton node: optionally an embedded broker, then the topics, the topology and the HTTP API,
 * started in that order and closed in reverse.
 */
public final class BatonService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatonService.class);

  private final EmbeddedKafkaBroker broker;
  private final KafkaStreams streams;
  private final BatonClient client;
  private final HttpApi http;
  private final String bootstrapServers;
  private final AuditSink audit;
  private ProjectionSink projection;

  private BatonService(
      EmbeddedKafkaBroker broker,
      KafkaStreams streams,
      BatonClient client,
      HttpApi http,
      String bootstrapServers,
      AuditSink audit) {
    this.broker = broker;
    this.streams = streams;
    this.client = client;
    this.http = http;
    this.bootstrapServers = bootstrapServers;
    this.audit = audit;
  }

  /** How to start: with an embedded broker on {@code brokerPort}, or against {@code config}'s. */
  public record Options(boolean embeddedBroker, int brokerPort, Duration startTimeout) {}

  public static BatonService start(AppConfig config, Options options) {
    EmbeddedKafkaBroker broker = null;
    KafkaStreams streams = null;
    BatonClient client = null;
    AuditSink audit = null;
    ProjectionSink projection = null;
    try {
      AppConfig effective = config;
      if (options.embeddedBroker()) {
        broker =
            EmbeddedKafkaBroker.start(
                new EmbeddedKafkaBroker.Settings(
                    config.dataDir().resolve("kafka"),
                    options.brokerPort(),
                    Map.of("num.partitions", String.valueOf(config.partitions()))));
        effective = config.with(AppConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
      }
      TopicAdmin.ensureTopics(
          effective.bootstrapServers(),
          effective.topics(),
          effective.partitions(),
          effective.outcomePartitions(),
          effective.replicationFactor());
      streams = startStreams(effective, options.startTimeout());
      client =
          BatonClient.builder()
              .bootstrapServers(effective.bootstrapServers())
              .agent("baton-http")
              .topics(effective.topics())
              .build();
      HttpApi http = HttpApi.start(effective, streams, client);
      LOG.info(
          "Baton is up: HTTP on http://{}:{}, Kafka at {}",
          effective.httpHost(),
          http.port(),
          effective.bootstrapServers());
      audit = AuditSink.startIfEnabled(effective);
      projection = ProjectionSink.startIfEnabled(effective);
      BatonService service =
          new BatonService(broker, streams, client, http, effective.bootstrapServers(), audit);
      service.projection = projection;
      return service;
    } catch (RuntimeException e) {
      closeQuietly(projection);
      closeQuietly(audit);
      closeQuietly(client);
      if (streams != null) {
        closeStreams(streams, Duration.ofSeconds(10));
      }
      closeQuietly(broker);
      throw e;
    }
  }

  private static KafkaStreams startStreams(AppConfig config, Duration timeout) {
    KafkaStreams streams =
        new KafkaStreams(TopologyFactory.build(config), StreamsSettings.of(config));
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener(
        (next, previous) -> {
          if (next == KafkaStreams.State.RUNNING) {
            running.countDown();
          }
          LOG.info("streams state {} -> {}", previous, next);
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("stream thread failed; replacing it", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.start();
    try {
      if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "topology not RUNNING after {} (state {}); serving anyway", timeout, streams.state());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return streams;
  }

  public KafkaStreams streams() {
    return streams;
  }

  public BatonClient client() {
    return client;
  }

  public int httpPort() {
    return http.port();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    closeQuietly(projection);
    closeQuietly(audit);
    closeQuietly(http);
    closeQuietly(client);
    if (streams != null) {
      closeStreams(streams, Duration.ofSeconds(30));
    }
    closeQuietly(broker);
    LOG.info("Baton stopped");
  }

  /**
   * Closes the topology and leaves the consumer group, so that a restarted node (or the node taking
   * over) gets the partitions at once instead of after the session timeout.
   */
  private static void closeStreams(KafkaStreams streams, Duration timeout) {
    streams.close(
        CloseOptions.timeout(timeout)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("error while closing {}", c.getClass().getSimpleName(), e);
    }
  }
}
