package dev.baton.app.sink.projection.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.sdk.protocol.Json;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

/**
 * The manifest of one checkpoint, {@code <id>.manifest.json}, written last and atomically: a
 * checkpoint exists exactly when its manifest does.
 *
 * <h2>Format {@value #FORMAT}</h2>
 *
 * <pre>
 * {"format": "baton-checkpoint/2",
 *  "id": "20261127T220000.123Z-full",          sortable: UTC time of creation, then the kind
 *  "kind": "full" | "incremental",
 *  "parent": null | "&lt;id of the checkpoint this one builds on&gt;",
 *  "createdAt": "2026-11-27T22:00:00.123Z",
 *  "topic": "baton.events",                      the events topic the offsets belong to
 *  "offsets": {"0": 1042, "1": 977},             per partition: the next offset not covered
 *  "rows": {"task": 120, "lock": 30, "decision": 4},   rows in the data file, per kind
 *  "dataFile": "20261127T220000.123Z-full.jsonl.zst",
 *  "dataBytes": 18234,                           size of the data file
 *  "sha256": "&lt;64 hex&gt;",                         SHA-256 of the data file's bytes
 *  "parentSha256": null | "&lt;64 hex&gt;",            the parent's manifestSha256
 *  "manifestSha256": "&lt;64 hex&gt;"}                 SHA-256 of this manifest, see below
 * </pre>
 *
 * <p>{@code manifestSha256} covers everything else in the manifest: it is the SHA-256 of the
 * manifest written compactly, fields in the order above, with {@code manifestSha256} null ({@link
 * #checksum}). Together with {@code parentSha256} the manifests form a chain: changing any field of
 * any manifest (an offset, the parent, a count, a checksum) or swapping a parent for another is
 * found before anything is restored. Format {@code baton-checkpoint/1} (no manifest checksum) is
 * refused with a message saying to take a new checkpoint.
 *
 * <p>The data file is one zstd frame holding UTF-8 JSON lines, one row each: {@code {"kind":
 * "task"|"lock"|"decision", "key": ..., "version": n, "partition": p, "offset": o, "data": {...}}}.
 * A full checkpoint holds every row of the projection at {@code offsets}; an incremental one the
 * rows written by events at or after its parent's offsets (and before its own). Rows are never
 * deleted from the projection, so upserting a full checkpoint and then its incrementals in order,
 * newest version winning, rebuilds the projection at the last one's offsets.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CheckpointManifest(
    String format,
    String id,
    String kind,
    String parent,
    Instant createdAt,
    String topic,
    SortedMap<Integer, Long> offsets,
    Map<String, Long> rows,
    String dataFile,
    long dataBytes,
    String sha256,
    String parentSha256,
    String manifestSha256) {

  public static final String FORMAT = "baton-checkpoint/2";

  /** The format before manifests were checksummed; refused. */
  public static final String FORMAT_1 = "baton-checkpoint/1";

  public static final String FULL = "full";
  public static final String INCREMENTAL = "incremental";
  public static final String MANIFEST_SUFFIX = ".manifest.json";
  public static final String DATA_SUFFIX = ".jsonl.zst";

  public boolean isFull() {
    return FULL.equals(kind);
  }

  /** This manifest with {@code manifestSha256} set to {@link #checksum}. */
  public CheckpointManifest sealed() {
    return withManifestSha256(checksum());
  }

  /** The SHA-256 of this manifest's content: everything but {@code manifestSha256}. */
  public String checksum() {
    try {
      byte[] bytes = Json.mapper().writeValueAsBytes(withManifestSha256(null));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot checksum manifest " + id, e);
    }
  }

  private CheckpointManifest withManifestSha256(String checksum) {
    return new CheckpointManifest(
        format,
        id,
        kind,
        parent,
        createdAt,
        topic,
        offsets,
        rows,
        dataFile,
        dataBytes,
        sha256,
        parentSha256,
        checksum);
  }

  /** Total rows in the data file. */
  public long totalRows() {
    return rows == null ? 0 : rows.values().stream().mapToLong(Long::longValue).sum();
  }
}
