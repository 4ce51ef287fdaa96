package dev.baton.app.sink.projection.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.baton.app.io.DurableFiles;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.ProjectionReader;
import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.sdk.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
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
 * The checkpoint directory ({@code <data-dir>/export/checkpoints}): creates, lists, verifies, reads
 * and retires checkpoints (format in {@link CheckpointManifest}).
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
  private static final Duration ORPHAN_AGE = Duration.ofHours(1);
  private static final int ZSTD_LEVEL = 3;

  private final Path dir;

  public CheckpointStore(Path dir) {
    this.dir = dir;
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
      Map<RowKind, Long> counts = new EnumMap<>(RowKind.class);
      MessageDigest sha = sha256();
      long[] size = new long[1];
      Map<Integer, Long> since = parent == null ? null : parent.offsets();
      DurableFiles.write(
          dir.resolve(dataFile), out -> writeRows(reader, since, counts, sha, size, out));
      Map<String, Long> rows = new LinkedHashMap<>();
      for (RowKind k : RowKind.values()) {
        rows.put(k.wire(), counts.getOrDefault(k, 0L));
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
                  size[0],
                  HexFormat.of().formatHex(sha.digest()),
                  parent == null ? null : parent.manifestSha256(),
                  null)
              .sealed();
      DurableFiles.write(
          dir.resolve(id + CheckpointManifest.MANIFEST_SUFFIX),
          mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
      LOG.info("checkpoint {} written: {} rows, {} bytes", id, manifest.totalRows(), size[0]);
      return manifest;
    }
  }

  private static void writeRows(
      ProjectionReader reader,
      Map<Integer, Long> since,
      Map<RowKind, Long> counts,
      MessageDigest sha,
      long[] size,
      OutputStream file)
      throws IOException {
    CountingStream counting = new CountingStream(new DigestOutputStream(file, sha));
    try (ZstdOutputStream zstd = new ZstdOutputStream(counting, ZSTD_LEVEL)) {
      ObjectMapper mapper = Json.mapper();
      for (RowKind kind : RowKind.values()) {
        ProjectionReader.RowVisitor write =
            row -> {
              zstd.write(mapper.writeValueAsBytes(toLine(row)));
              zstd.write('\n');
              counts.merge(kind, 1L, Long::sum);
            };
        try {
          if (since == null) {
            reader.forEach(kind, write);
          } else {
            reader.forEachChangedSince(kind, since, write);
          }
        } catch (IOException e) {
          throw e;
        } catch (Exception e) {
          throw new IOException("cannot read the projection: " + e.getMessage(), e);
        }
      }
    }
    size[0] = counting.count;
  }

  private static ObjectNode toLine(ProjectionRow row) {
    ObjectNode line = Json.mapper().createObjectNode();
    line.put("kind", row.kind().wire());
    line.put("key", row.key());
    line.put("version", row.version());
    line.put("partition", row.partition());
    line.put("offset", row.offset());
    line.set("data", row.data());
    return line;
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

  /**
   * Checks the size and SHA-256 of every data file in the chain of {@code id} before anything is
   * loaded.
   *
   * @throws CheckpointException naming the damaged checkpoint and a good earlier one, if any
   */
  public List<CheckpointManifest> verifiedChain(String id) {
    List<CheckpointManifest> chain = chain(id);
    for (CheckpointManifest m : chain) {
      String problem = checkData(m);
      if (problem != null) {
        throw new CheckpointException(
            "checkpoint "
                + m.id()
                + " is damaged: "
                + problem
                + (m.id().equals(id) ? "" : " (checkpoint " + id + " builds on it)")
                + "; "
                + suggestion(m.id()));
      }
    }
    return chain;
  }

  /** Why the data of {@code m} is not to be trusted, or null when its size and checksum match. */
  public String checkData(CheckpointManifest m) {
    if (m.dataFile() == null
        || m.dataFile().contains("/")
        || m.dataFile().contains("\\")
        || m.sha256() == null) {
      return "the manifest names no usable data file or checksum";
    }
    Path data = dir.resolve(m.dataFile());
    if (!Files.isRegularFile(data)) {
      return "data file " + m.dataFile() + " is missing";
    }
    try {
      long size = Files.size(data);
      if (size != m.dataBytes()) {
        return "data file "
            + m.dataFile()
            + " is "
            + size
            + " bytes, the manifest says "
            + m.dataBytes();
      }
      MessageDigest sha = sha256();
      try (InputStream in = Files.newInputStream(data)) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
          sha.update(buf, 0, n);
        }
      }
      String actual = HexFormat.of().formatHex(sha.digest());
      if (!actual.equalsIgnoreCase(m.sha256())) {
        return "SHA-256 of " + m.dataFile() + " is " + actual + ", the manifest says " + m.sha256();
      }
      return null;
    } catch (IOException e) {
      return "cannot read " + m.dataFile() + ": " + e.getMessage();
    }
  }

  private String suggestion(String damagedId) {
    List<CheckpointManifest> older =
        manifests().stream().filter(m -> m.id().compareTo(damagedId) < 0).toList();
    for (int i = older.size() - 1; i >= 0; i--) {
      String candidate = older.get(i).id();
      try {
        List<CheckpointManifest> chain = chain(candidate);
        if (chain.stream().noneMatch(m -> m.id().equals(damagedId))
            && chain.stream().allMatch(m -> checkData(m) == null)) {
          return "use the previous good checkpoint " + candidate + " instead";
        }
      } catch (CheckpointException e) {
        // not usable either; look further back
      }
    }
    return "there is no earlier good checkpoint";
  }

  /** Reads the rows of one checkpoint (its checksum should have been verified first). */
  public void readRows(CheckpointManifest m, ProjectionReader.RowVisitor visitor) throws Exception {
    Path data = dir.resolve(m.dataFile());
    long line = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new ZstdInputStream(Files.newInputStream(data)), StandardCharsets.UTF_8))) {
      for (String text; (text = in.readLine()) != null; ) {
        line++;
        if (text.isEmpty()) {
          continue;
        }
        visitor.visit(parseRow(m, line, text));
      }
    } catch (IOException e) {
      throw new CheckpointException(
          "checkpoint " + m.id() + " cannot be read at line " + line + ": " + e.getMessage(), e);
    }
  }

  private static ProjectionRow parseRow(CheckpointManifest m, long line, String text) {
    try {
      JsonNode node = Json.mapper().readTree(text);
      return new ProjectionRow(
          RowKind.fromWire(node.path("kind").asText()),
          node.path("key").asText(),
          node.path("version").asLong(),
          node.path("partition").asInt(),
          node.path("offset").asLong(),
          node.get("data"));
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(
          "checkpoint " + m.id() + " has an unreadable row at line " + line + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Keeps the newest {@code keepFull} full checkpoints and every checkpoint whose chain ends in one
   * of them; deletes the rest (manifest first). Data files without a manifest older than an hour
   * are leftovers of interrupted writes and go too.
   *
   * @return the ids deleted
   */
  public List<String> retain(int keepFull) throws IOException {
    List<CheckpointManifest> all = manifests();
    List<CheckpointManifest> fulls =
        all.stream()
            .filter(CheckpointManifest::isFull)
            .sorted(Comparator.comparing(CheckpointManifest::id).reversed())
            .toList();
    Set<String> keptRoots = new HashSet<>();
    fulls.stream().limit(keepFull).forEach(m -> keptRoots.add(m.id()));
    List<String> deleted = new ArrayList<>();
    if (fulls.size() <= keepFull) {
      deleteOrphans(all);
      return deleted;
    }
    for (CheckpointManifest m : all) {
      String root;
      try {
        root = chain(m.id()).get(0).id();
      } catch (CheckpointException e) {
        root = null;
      }
      boolean olderThanKept = m.id().compareTo(fulls.get(keepFull - 1).id()) < 0;
      if ((root == null && olderThanKept) || (root != null && !keptRoots.contains(root))) {
        Files.deleteIfExists(dir.resolve(m.id() + CheckpointManifest.MANIFEST_SUFFIX));
        DurableFiles.fsyncDirectory(dir);
        if (m.dataFile() != null && !m.dataFile().contains("/")) {
          Files.deleteIfExists(dir.resolve(m.dataFile()));
        }
        deleted.add(m.id());
      }
    }
    DurableFiles.fsyncDirectory(dir);
    deleteOrphans(manifests());
    if (!deleted.isEmpty()) {
      LOG.info("checkpoint retention deleted {}", deleted);
    }
    return deleted;
  }

  private void deleteOrphans(List<CheckpointManifest> listed) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Set<String> referenced = new HashSet<>();
    listed.forEach(m -> referenced.add(m.dataFile()));
    FileTime cutoff = FileTime.from(Instant.now().minus(ORPHAN_AGE));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        boolean leftover =
            (name.endsWith(CheckpointManifest.DATA_SUFFIX) && !referenced.contains(name))
                || name.endsWith(DurableFiles.TEMP_SUFFIX);
        if (leftover && Files.getLastModifiedTime(f).compareTo(cutoff) < 0) {
          Files.deleteIfExists(f);
        }
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Counts bytes on their way to the file. */
  private static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
