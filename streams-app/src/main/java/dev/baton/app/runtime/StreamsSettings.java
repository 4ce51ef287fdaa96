package dev.baton.app.runtime;

import dev.baton.app.config.AppConfig;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;

/** Kafka Streams properties derived from {@link AppConfig}; every choice made on purpose. */
public final class StreamsSettings {
  /** The stream threads' consumers' {@code max.poll.interval.ms}, see {@link #of}. */
  static final int MAX_POLL_INTERVAL_MS = 30_000;

  private StreamsSettings() {}

  public static Properties of(AppConfig config) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.putAll(config.kafkaSecurity());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.streamsStateDir().toAbsolutePath().toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    p.put(
        StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.values().get(AppConfig.STANDBY_REPLICAS));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
    // What other nodes' interactive queries are pointed to: the node's advertised address, not
    // the bind address (0.0.0.0 in a container).
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.applicationServer());
    // After processing a command the stream thread waits up to poll.ms (100 ms by default) for
    // more input before it reaches the commit that makes the outcome visible; a chain of
    // dependent commands (a lock handover) would pay that wait every hop. Measured with
    // sequential updates: p50 round trip 108 ms with the default, 18-21 ms bounded like this.
    p.put(StreamsConfig.POLL_MS_CONFIG, Math.min(100L, config.commitIntervalMs()));
    // Streams would default linger to 100 ms, which alone would put every outcome 100 ms late.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), config.producerLingerMs());
    p.put("processing.exception.handler.global.enabled", true);
    // Restart time (docs/reliability.md). Static membership: a node restarted after kill -9
    // takes the dead member's place at once; without it the group waits for the dead member's
    // session to time out (45 s by default) before anyone gets its partitions. Streams adds
    // the thread's index to the id for each thread's consumer.
    if (!config.nodeId().isBlank()) {
      p.put(
          StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
          config.nodeId());
    }
    // A consumer waits for a JoinGroup answer up to max.poll.interval.ms + 5 s. After a broker
    // restart, Kafka 4.4's group coordinator can reload its state ("out of sync with the
    // underlying log") while a stream thread's join is parked in it, and that join is never
    // answered: with Kafka's 300 s the node stopped processing for over five minutes (crash
    // suite, docs/reliability.md). 30 s bounds that wait, and the group's rebalance timeout, and
    // is still far above a poll loop's gap here (a batch of commands takes milliseconds; a frozen
    // node past it simply rejoins).
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
        MAX_POLL_INTERVAL_MS);
    int session = (Integer) config.values().get(AppConfig.GROUP_SESSION_TIMEOUT_MS);
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), session);
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
        Math.min(3000, session / 3));
    // The restore consumer's fetches wait on the broker up to fetch.max.wait.ms (500 ms) when
    // there is nothing new, and a consumer sends no second fetch to a broker while one is out:
    // each batch of tasks handed to the state updater during a start waited for the previous
    // batch's empty fetch, 0.5 s per batch, twice per start. Standby tasks poll with it too, so
    // not lower than this.
    p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
    // Under exactly_once_v2, stores without a checkpoint (every store after a crash) are wiped
    // and restored from their changelogs; transactional stores keep their committed data.
    p.put(
        StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG,
        config.values().get(AppConfig.STATE_TRANSACTIONAL));
    // Values are read as bytes and parsed by the processor, so a poison record can only fail on
    // its key; the keys are plain strings. Fail loudly rather than skip silently if that happens.
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailExceptionHandler.class);
    return p;
  }
}
