package dev.baton.app.sink.audit;

import dev.baton.app.config.AppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The audit sink's settings, read from {@link AppConfig} (where each key is declared with its
 * default and documentation: {@code baton.audit.*}).
 *
 * @param dir the audit folder, {@code <data-dir>/export/audit}
 * @param bootstrapServers the Kafka cluster
 * @param topic the events topic (with the configured prefix)
 * @param groupId the consumer group of the sink instances
 * @param groupInstanceId static membership id, or null
 * @param rotation when a segment is closed
 * @param fsyncInterval longest time between a write and its fsync
 * @param fsyncBytes unsynced bytes that trigger an fsync
 * @param compress whether closed segments are compressed with zstd
 * @param retention what closed segments are deleted
 * @param kafkaSecurity Kafka client security settings (SASL, TLS) of the consumer, by Kafka key
 */
public record AuditSinkSettings(
    Path dir,
    String bootstrapServers,
    String topic,
    String groupId,
    String groupInstanceId,
    Rotation rotation,
    Duration fsyncInterval,
    long fsyncBytes,
    boolean compress,
    Retention retention,
    Map<String, Object> kafkaSecurity) {

  public AuditSinkSettings {
    kafkaSecurity = Map.copyOf(kafkaSecurity);
  }

  /**
   * Hybrid rotation: a segment is closed at whichever limit comes first.
   *
   * @param maxBytes a line that would take the segment past this goes to a new segment (a single
   *     longer line gets a segment of its own)
   * @param maxAge a segment open this long is closed, also when no records arrive
   * @param maxLines a segment is closed when it holds this many lines
   */
  public record Rotation(long maxBytes, Duration maxAge, long maxLines) {}

  /**
   * Deletion of closed segments, per partition; the open segment and the newest closed one are
   * never deleted.
   *
   * @param maxAgeMs delete segments last written longer ago than this; -1 = never
   * @param maxBytes delete the oldest segments while the partition holds more; -1 = no limit
   */
  public record Retention(long maxAgeMs, long maxBytes) {
    public boolean enabled() {
      return maxAgeMs >= 0 || maxBytes >= 0;
    }
  }

  public static AuditSinkSettings from(AppConfig config) {
    Map<String, Object> v = config.values();
    String groupId = (String) v.get(AppConfig.AUDIT_GROUP_ID);
    return new AuditSinkSettings(
        config.auditDir(),
        config.bootstrapServers(),
        config.topics().events(),
        groupId.isEmpty() ? config.applicationId() + "-audit-sink" : groupId,
        config.sinkGroupInstanceId(AppConfig.AUDIT_GROUP_INSTANCE_ID, "audit"),
        new Rotation(
            (Long) v.get(AppConfig.AUDIT_SEGMENT_MAX_BYTES),
            Duration.ofMillis((Long) v.get(AppConfig.AUDIT_SEGMENT_MAX_AGE_MS)),
            (Long) v.get(AppConfig.AUDIT_SEGMENT_MAX_LINES)),
        Duration.ofMillis((Long) v.get(AppConfig.AUDIT_FSYNC_INTERVAL_MS)),
        (Long) v.get(AppConfig.AUDIT_FSYNC_BYTES),
        "zstd".equals(v.get(AppConfig.AUDIT_COMPRESSION)),
        new Retention(
            (Long) v.get(AppConfig.AUDIT_RETENTION_MS),
            (Long) v.get(AppConfig.AUDIT_RETENTION_BYTES)),
        config.kafkaSecurity());
  }
}
