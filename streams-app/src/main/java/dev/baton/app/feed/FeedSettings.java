package dev.baton.app.feed;

import dev.baton.app.config.AppConfig;
import java.time.Duration;
import java.util.Map;

/**
 * The feed's settings, from {@link AppConfig} (where each key is declared with its default and
 * doc).
 *
 * @param kafka Kafka client settings: the bootstrap servers and the node's security settings
 * @param topic {@code baton.events} with the deployment's prefix
 * @param bufferEvents most events {@link RecentEvents} holds
 * @param bufferBytes most bytes {@link RecentEvents} holds
 * @param watcherBufferBytes unsent bytes an SSE watcher may owe before it is cut off
 * @param readers catch-up readers (consumers) for old positions
 * @param heartbeat SSE heartbeat interval
 */
public record FeedSettings(
    Map<String, Object> kafka,
    String topic,
    int bufferEvents,
    long bufferBytes,
    int watcherBufferBytes,
    int readers,
    Duration heartbeat) {

  public FeedSettings {
    kafka = Map.copyOf(kafka);
  }

  public static FeedSettings of(AppConfig config) {
    return new FeedSettings(
        config.kafkaClientSettings(),
        config.topics().events(),
        (Integer) config.values().get(AppConfig.FEED_BUFFER_EVENTS),
        (Long) config.values().get(AppConfig.FEED_BUFFER_BYTES),
        (Integer) config.values().get(AppConfig.FEED_WATCHER_BUFFER_BYTES),
        (Integer) config.values().get(AppConfig.FEED_READERS),
        Duration.ofMillis((Long) config.values().get(AppConfig.FEED_HEARTBEAT_MS)));
  }
}
