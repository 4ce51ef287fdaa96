package dev.baton.app.sink.audit;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment file of a partition: {@code <partition>/<first-offset>.jsonl} and its variants. The
 * first offset is written with 20 digits, zero-padded, so that names sort like offsets.
 *
 * <ul>
 *   <li>{@code <first>.jsonl.open}: the open segment the sink appends to (at most one per
 *       partition, always the newest);
 *   <li>{@code <first>.jsonl}: a closed segment, never written again;
 *   <li>{@code <first>.jsonl.zst}: a closed segment compressed with zstd.
 * </ul>
 *
 * @param partition the partition, from the folder name
 * @param firstOffset the offset of the segment's first line, from the file name
 * @param path the file
 * @param state open, closed or compressed
 */
public record Segment(int partition, long firstOffset, Path path, State state) {

  /** What a segment file is. */
  public enum State {
    OPEN(".jsonl.open"),
    CLOSED(".jsonl"),
    COMPRESSED(".jsonl.zst");

    private final String suffix;

    State(String suffix) {
      this.suffix = suffix;
    }

    public String suffix() {
      return suffix;
    }
  }

  private static final Pattern NAME = Pattern.compile("(\\d{1,20})(\\.jsonl(?:\\.open|\\.zst)?)");

  public static final Comparator<Segment> BY_OFFSET =
      Comparator.comparingLong(Segment::firstOffset).thenComparing(Segment::state);

  /** The file name of a segment starting at {@code firstOffset}. */
  public static String fileName(long firstOffset, State state) {
    return String.format("%020d%s", firstOffset, state.suffix());
  }

  /** The segment a file is, or empty for any other file (temp files, the lock, the anchor). */
  public static Optional<Segment> of(int partition, Path path) {
    Matcher m = NAME.matcher(path.getFileName().toString());
    if (!m.matches()) {
      return Optional.empty();
    }
    long first;
    try {
      first = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    State state =
        switch (m.group(2)) {
          case ".jsonl.open" -> State.OPEN;
          case ".jsonl.zst" -> State.COMPRESSED;
          default -> State.CLOSED;
        };
    return Optional.of(new Segment(partition, first, path, state));
  }

  /** The same segment in another state (the file it is renamed to). */
  public Segment as(State next) {
    return new Segment(
        partition, firstOffset, path.resolveSibling(fileName(firstOffset, next)), next);
  }

  public boolean closed() {
    return state != State.OPEN;
  }

  /** The file name, for messages. */
  public String name() {
    return partition + "/" + path.getFileName();
  }
}
