package dev.baton.app.sink.projection;

/** The kinds of rows the projection keeps, one table each. */
public enum RowKind {
  /** A task, keyed by its aggregate key; versioned by the task's version. */
  TASK("tasks"),
  /** A lock, keyed by its aggregate key; versioned by the lock's own version. */
  LOCK("locks"),
  /** A decision, keyed {@code <ws>/decisions/<number>}; immutable, its number is its version. */
  DECISION("decisions");

  private final String table;

  RowKind(String table) {
    this.table = table;
  }

  /** The table that holds rows of this kind. */
  public String table() {
    return table;
  }

  /** The lower-case name used in files ({@code task}, {@code lock}, {@code decision}). */
  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The kind named {@code wire}. */
  public static RowKind fromWire(String wire) {
    for (RowKind kind : values()) {
      if (kind.wire().equals(wire)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown row kind '" + wire + "'");
  }
}
