package dev.baton.sdk.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A position in {@code baton.events}: for every partition, the offset of the next record to read.
 * Everything before those offsets has been delivered (or skipped by a filter); everything at or
 * after them has not. Offsets are Kafka's, so a cursor means the same on every node and in the SDK.
 *
 * <p>Wire form (opaque to clients, versioned here): {@code c1.} followed by the unpadded base64url
 * of {@code p:o,p:o,...} (ascending partitions). A partition a cursor does not name is read from
 * its beginning: a partition added to the topic later holds only events newer than the cursor. The
 * word {@value #BEGINNING} stands for the oldest retained position of every partition.
 *
 * @param positions partition to next offset, sorted, unmodifiable
 */
public record EventCursor(Map<Integer, Long> positions) {
  /** The keyword for "from the oldest retained event". */
  public static final String BEGINNING = "beginning";

  /** The longest cursor text accepted (a few hundred partitions). */
  public static final int MAX_LENGTH = 8192;

  /** The most partitions a cursor may name. */
  public static final int MAX_PARTITIONS = 1024;

  private static final String VERSION_PREFIX = "c1.";

  /** A cursor naming no partition: every partition from its beginning. */
  public static final EventCursor START = new EventCursor(Map.of());

  /**
   * Copies the positions, sorted.
   *
   * @param positions partition to next offset
   */
  public EventCursor {
    positions = Collections.unmodifiableMap(new TreeMap<>(positions));
  }

  /**
   * The next offset to read in a partition.
   *
   * @param partition the partition
   * @return the offset (0 when the cursor does not name the partition)
   */
  public long position(int partition) {
    return positions.getOrDefault(partition, 0L);
  }

  /**
   * This cursor with one partition moved.
   *
   * @param partition the partition
   * @param offset its next offset to read
   * @return the new cursor
   */
  public EventCursor with(int partition, long offset) {
    TreeMap<Integer, Long> next = new TreeMap<>(positions);
    next.put(partition, offset);
    return new EventCursor(next);
  }

  /**
   * The wire form, as the feeds hand it out.
   *
   * @return {@code c1.} and the positions in URL-safe base64
   */
  public String encode() {
    StringBuilder text = new StringBuilder();
    positions.forEach(
        (p, o) -> {
          if (!text.isEmpty()) {
            text.append(',');
          }
          text.append(p).append(':').append(o);
        });
    return VERSION_PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(text.toString().getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return encode();
  }

  /**
   * Parses the wire form. Anything else, including {@value #BEGINNING} (which callers resolve
   * themselves), throws {@link InvalidCommandException} naming {@code field}.
   *
   * @param field the parameter's name, for the error
   * @param text the wire form
   * @return the cursor
   */
  public static EventCursor parse(String field, String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidCommandException(field + " must not be empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw new InvalidCommandException(
          field + " is " + text.length() + " characters long, the limit is " + MAX_LENGTH);
    }
    if (!text.startsWith(VERSION_PREFIX)) {
      throw malformed(field, text, "it is not a cursor this server issued");
    }
    String body;
    try {
      body =
          new String(
              Base64.getUrlDecoder().decode(text.substring(VERSION_PREFIX.length())),
              StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      throw malformed(field, text, "it is not valid base64url");
    }
    TreeMap<Integer, Long> positions = new TreeMap<>();
    if (body.isEmpty()) {
      return new EventCursor(positions);
    }
    for (String pair : body.split(",", -1)) {
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw malformed(field, text, "a position is not partition:offset");
      }
      int partition;
      long offset;
      try {
        partition = Integer.parseInt(pair.substring(0, colon));
        offset = Long.parseLong(pair.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw malformed(field, text, "a position is not partition:offset");
      }
      if (partition < 0 || offset < 0) {
        throw malformed(field, text, "a partition or offset is negative");
      }
      if (positions.put(partition, offset) != null) {
        throw malformed(field, text, "partition " + partition + " appears twice");
      }
      if (positions.size() > MAX_PARTITIONS) {
        throw malformed(field, text, "it names more than " + MAX_PARTITIONS + " partitions");
      }
    }
    return new EventCursor(positions);
  }

  private static InvalidCommandException malformed(String field, String text, String why) {
    return new InvalidCommandException(
        field + " '" + Names.printable(text) + "' is not a valid cursor: " + why);
  }
}
