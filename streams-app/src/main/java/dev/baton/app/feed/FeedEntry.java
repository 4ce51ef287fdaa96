package dev.baton.app.feed;

import dev.baton.sdk.protocol.EventType;

/**
 * One committed event as the feed keeps it: its place in {@code baton.events}, the fields filters
 * look at, and the event's JSON exactly as the topology wrote it (served as is, never re-encoded).
 *
 * @param partition partition of {@code baton.events}
 * @param offset offset in that partition
 * @param seq arrival order on this node (the tail's counter), used to interleave partitions
 * @param key aggregate key
 * @param type event type, null for a type this node does not know
 * @param agent the agent that caused it
 * @param json the event envelope as stored
 */
public record FeedEntry(
    int partition, long offset, long seq, String key, EventType type, String agent, byte[] json) {

  boolean matches(FeedQuery query) {
    return query.filter().matches(query.workspace(), key, type, agent);
  }

  /** Bytes this entry holds, for the buffer's bound (JSON plus a fixed overhead). */
  long weight() {
    return json.length + 96L + (key == null ? 0 : 2L * key.length());
  }
}
