package dev.baton.app.sink.projection;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The projection's rows held in memory, with the same version guard as the tables: a row replaces
 * the one with the same identity only when its version is higher. Used to replay the log or a
 * checkpoint chain, and to compare states.
 */
public final class ProjectionState {
  private final Map<String, ProjectionRow> rows = new TreeMap<>();

  /** Applies {@code row} if it is newer than what is held; returns whether it was. */
  public boolean apply(ProjectionRow row) {
    ProjectionRow held = rows.get(row.identity());
    if (held != null && held.version() >= row.version()) {
      return false;
    }
    rows.put(row.identity(), row);
    return true;
  }

  /** The rows by identity ({@code <kind>:<key>}), in identity order. */
  public Map<String, ProjectionRow> rows() {
    return rows;
  }

  public Collection<ProjectionRow> values() {
    return rows.values();
  }

  public int size() {
    return rows.size();
  }
}
