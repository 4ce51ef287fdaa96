package dev.baton.app.sink.projection.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.app.io.DurableFiles;
import dev.baton.app.io.FileIo;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.ProjectionReader;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint directory ({@code <data-dir>/export/checkpoints}) and its chains: creates, lists
 * and links checkpoints (format in {@link CheckpointManifest}). The data-file codec is {@link
 * CheckpointData}, checksum checks are {@link CheckpointVerifier}, retention is {@link
 * CheckpointRetention}; this class is the entry point to all of them.
 *
 * <p>Creation writes the data file (temp, fsync, rename) and then the manifest the same way; a
 * crash in between leaves a data file without a manifest, which is never listed and is removed by a
 * later retention pass. Retention deletes a checkpoint's manifest before its data file, so a
 * checkpoint is listed only while it is whole.
 */
public final class CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final int ID_TIME_LENGTH = "20261127T220000.123Z".length();

  private final Path dir;
  private final FileIo io;

  public CheckpointStore(Path dir) {
    this(dir, FileIo.SYSTEM);
  }

  /** A store that writes through {@code io} (tests inject disk faults there). */
  public CheckpointStore(Path dir, FileIo io) {
    this.dir = dir;
    this.io = io;
  }

  public Path dir() {
    return dir;
  }

  /**
   * What {@link #list()} found under one manifest name.
   *
   * @param manifest the manifest, when it is readable and its checksum matches
   * @param problem why it cannot be used (unreadable, damaged, or its chain is broken), or null
   */
  public record Entry(String id, CheckpointManifest manifest, String problem) {
    public boolean readable() {
      return manifest != null;
    }

    /** Whether it can be restored as far as manifests tell (data files are checked apart). */
    public boolean ok() {
      return manifest != null && problem == null;
    }
  }

  private String chainProblem(CheckpointManifest m) {
    try {
      chain(m.id());
      return null;
    } catch (CheckpointException e) {
      return e.getMessage();
    }
  }

  /** Every manifest in the directory, oldest first; an unreadable one carries its problem. */
  public List<Entry> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files
              .filter(f -> f.getFileName().toString().endsWith(CheckpointManifest.MANIFEST_SUFFIX))
              .sorted()
              .toList()) {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.length() - CheckpointManifest.MANIFEST_SUFFIX.length());
        try {
          CheckpointManifest m = readManifest(file);
          if (!id.equals(m.id())) {
            entries.add(new Entry(id, null, "manifest names id " + m.id()));
          } else {
            entries.add(new Entry(id, m, chainProblem(m)));
          }
        } catch (CheckpointException e) {
          entries.add(new Entry(id, null, e.getMessage()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir, e);
    }
    return entries;
  }

  /** The readable manifests, oldest first. */
  public List<CheckpointManifest> manifests() {
    return list().stream().filter(Entry::readable).map(Entry::manifest).toList();
  }

  /** The manifest of {@code id}. */
  public CheckpointManifest manifest(String id) {
    Path file = dir.resolve(id + CheckpointManifest.MANIFEST_SUFFIX);
    if (id.contains("/") || id.contains("\\") || !Files.isRegularFile(file)) {
      throw new CheckpointException("checkpoint " + id + " does not exist in " + dir);
    }
    return readManifest(file);
  }

  /**
   * Writes a checkpoint of the projection: {@code full}, or incremental on top of the newest
   * checkpoint (a full one when there is none yet).
   */
  public CheckpointManifest create(ProjectionDatabase db, boolean full) throws Exception {
    Files.createDirectories(dir);
    CheckpointManifest parent = full ? null : newestIntact().orElse(null);
    try (ProjectionReader reader = db.snapshot()) {
      List<String> topics = reader.topics();
      if (topics.size() > 1) {
        throw new IllegalStateException(
            "the projection holds offsets of several topics " + topics + "; cannot checkpoint");
      }
      String topic = topics.isEmpty() ? null : topics.get(0);
      if (parent != null && parent.topic() != null && !parent.topic().equals(topic)) {
        parent = null;
      }
      SortedMap<Integer, Long> offsets = topic == null ? new TreeMap<>() : reader.offsets(topic);
      String kind = parent == null ? CheckpointManifest.FULL : CheckpointManifest.INCREMENTAL;
      Instant now = Instant.now();
      String id = newId(now, kind);
      String dataFile = id + CheckpointManifest.DATA_SUFFIX;
      Map<Integer, Long> since = parent == null ? null : parent.offsets();
      CheckpointData.Written written =
          CheckpointData.write(reader, since, dir.resolve(dataFile), io);
      Map<String, Long> rows = new LinkedHashMap<>();
      for (RowKind k : RowKind.values()) {
        rows.put(k.wire(), written.counts().getOrDefault(k, 0L));
      }
      CheckpointManifest manifest =
          new CheckpointManifest(
                  CheckpointManifest.FORMAT,
                  id,
                  kind,
                  parent == null ? null : parent.id(),
                  now,
                  topic,
                  offsets,
                  rows,
                  dataFile,
                  written.bytes(),
                  written.sha256(),
                  parent == null ? null : parent.manifestSha256(),
                  null)
              .sealed();
      DurableFiles.write(
          io,
          dir.resolve(id + CheckpointManifest.MANIFEST_SUFFIX),
          mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
      LOG.info(
          "checkpoint {} written: {} rows, {} bytes", id, manifest.totalRows(), written.bytes());
      return manifest;
    }
  }

  /** The newest checkpoint whose chain is listed (no checksum check), if any. */
  public Optional<CheckpointManifest> newestIntact() {
    List<CheckpointManifest> all = manifests();
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        chain(all.get(i).id());
        return Optional.of(all.get(i));
      } catch (CheckpointException e) {
        LOG.warn("checkpoint {} is not usable: {}", all.get(i).id(), e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** The chain ending at {@code id}: its full checkpoint first, {@code id} last. */
  public List<CheckpointManifest> chain(String id) {
    Deque<CheckpointManifest> chain = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    CheckpointManifest current = manifest(id);
    while (true) {
      if (!seen.add(current.id())) {
        throw new CheckpointException("checkpoint " + id + " has a cycle in its parents");
      }
      chain.addFirst(current);
      if (current.isFull()) {
        return List.copyOf(chain);
      }
      if (current.parent() == null) {
        throw new CheckpointException(
            "checkpoint " + current.id() + " is incremental but names no parent");
      }
      CheckpointManifest child = current;
      try {
        current = manifest(current.parent());
      } catch (CheckpointException e) {
        throw new CheckpointException(
            "checkpoint "
                + id
                + " needs "
                + current.parent()
                + ", which is missing or unreadable: "
                + e.getMessage(),
            e);
      }
      if (!current.manifestSha256().equals(child.parentSha256())) {
        throw new CheckpointException(
            "checkpoint "
                + child.id()
                + " builds on a manifest of "
                + current.id()
                + " with checksum "
                + child.parentSha256()
                + ", but that manifest now has "
                + current.manifestSha256()
                + ": the parent was replaced or edited");
      }
    }
  }

  /** A new id whose time part is later than that of every file in the directory. */
  private String newId(Instant now, String kind) throws IOException {
    Instant t = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    String newest = "";
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.length() >= ID_TIME_LENGTH && name.charAt(8) == 'T') {
          String time = name.substring(0, ID_TIME_LENGTH);
          newest = time.compareTo(newest) > 0 ? time : newest;
        }
      }
    }
    if (!newest.isEmpty() && ID_TIME.format(t).compareTo(newest) <= 0) {
      try {
        t = Instant.from(ID_TIME.parse(newest)).plusMillis(1);
      } catch (java.time.format.DateTimeParseException e) {
        // Not one of ours; ignore it.
      }
    }
    return ID_TIME.format(t) + "-" + kind;
  }

  private static CheckpointManifest readManifest(Path file) {
    try {
      CheckpointManifest m = mapper().readValue(file.toFile(), CheckpointManifest.class);
      if (CheckpointManifest.FORMAT_1.equals(m.format())) {
        throw new CheckpointException(
            "manifest "
                + file.getFileName()
                + " has format "
                + CheckpointManifest.FORMAT_1
                + ", written before manifests were checksummed, so its offsets cannot be"
                + " trusted; take a new checkpoint (baton checkpoint create)");
      }
      if (!CheckpointManifest.FORMAT.equals(m.format())) {
        throw new CheckpointException(
            "manifest "
                + file.getFileName()
                + " has format "
                + m.format()
                + ", expected "
                + CheckpointManifest.FORMAT);
      }
      if (m.id() == null || m.kind() == null || m.offsets() == null || m.manifestSha256() == null) {
        throw new CheckpointException("manifest " + file.getFileName() + " is incomplete");
      }
      if (!CheckpointManifest.FULL.equals(m.kind())
          && !CheckpointManifest.INCREMENTAL.equals(m.kind())) {
        throw new CheckpointException(
            "manifest " + file.getFileName() + " has an unknown kind " + m.kind());
      }
      String actual = m.checksum();
      if (!actual.equalsIgnoreCase(m.manifestSha256())) {
        throw new CheckpointException(
            "manifest "
                + file.getFileName()
                + " is damaged: its content hashes to "
                + actual
                + ", its manifestSha256 says "
                + m.manifestSha256());
      }
      return m;
    } catch (IOException e) {
      throw new CheckpointException(
          "manifest " + file.getFileName() + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** The JSON mapper of manifests. */
  public static ObjectMapper mapper() {
    return Json.mapper();
  }

  /**
   * Checks every manifest and the size and SHA-256 of every data file in the chain of {@code id}
   * before anything is loaded ({@link CheckpointVerifier}).
   *
   * @throws CheckpointException naming the damaged checkpoint and a good earlier one, if any
   */
  public List<CheckpointManifest> verifiedChain(String id) {
    return new CheckpointVerifier(this).verifiedChain(id);
  }

  /** Why the data of {@code m} is not to be trusted, or null when its size and checksum match. */
  public String checkData(CheckpointManifest m) {
    return new CheckpointVerifier(this).checkData(m);
  }

  /** Reads the rows of one checkpoint (its checksum should have been verified first). */
  public void readRows(CheckpointManifest m, ProjectionReader.RowVisitor visitor) throws Exception {
    CheckpointData.read(dir, m, visitor);
  }

  /**
   * Keeps the newest {@code keepFull} full checkpoints and what builds on them ({@link
   * CheckpointRetention}).
   *
   * @return the ids deleted
   */
  public List<String> retain(int keepFull) throws IOException {
    return new CheckpointRetention(this).retain(keepFull);
  }
}
