package dev.baton.app.sink.projection.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;

/**
 * The manifest of one checkpoint, {@code <id>.manifest.json}, written last and atomically: a
 * checkpoint exists exactly when its manifest does.
 *
 * <h2>Format {@value #FORMAT}</h2>
 *
 * <pre>
 * {"format": "baton-checkpoint/1",
 *  "id": "20261127T220000.123Z-full",          sortable: UTC time of creation, then the kind
 *  "kind": "full" | "incremental",
 *  "parent": null | "&lt;id of the checkpoint this one builds on&gt;",
 *  "createdAt": "2026-11-27T22:00:00.123Z",
 *  "topic": "baton.events",                      the events topic the offsets belong to
 *  "offsets": {"0": 1042, "1": 977},             per partition: the next offset not covered
 *  "rows": {"task": 120, "lock": 30, "decision": 4},   rows in the data file, per kind
 *  "dataFile": "20261127T220000.123Z-full.jsonl.zst",
 *  "dataBytes": 18234,                           size of the data file
 *  "sha256": "&lt;64 hex&gt;"}                         SHA-256 of the data file's bytes
 * </pre>
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
    String sha256) {

  public static final String FORMAT = "baton-checkpoint/1";
  public static final String FULL = "full";
  public static final String INCREMENTAL = "incremental";
  public static final String MANIFEST_SUFFIX = ".manifest.json";
  public static final String DATA_SUFFIX = ".jsonl.zst";

  public boolean isFull() {
    return FULL.equals(kind);
  }

  /** Total rows in the data file. */
  public long totalRows() {
    return rows == null ? 0 : rows.values().stream().mapToLong(Long::longValue).sum();
  }
}
