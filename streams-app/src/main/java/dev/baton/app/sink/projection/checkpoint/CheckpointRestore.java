package dev.baton.app.sink.projection.checkpoint;

import dev.baton.app.config.Redaction;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.ProjectionState;
import dev.baton.app.sink.projection.ProjectionWriter;
import java.util.List;

/** Rebuilds state from a checkpoint chain: into a projection database, or into memory. */
public final class CheckpointRestore {
  private CheckpointRestore() {}

  /** What a restore loaded. */
  public record Result(CheckpointManifest target, List<CheckpointManifest> chain, long rows) {}

  /**
   * Loads the chain ending at {@code id} into the projection at {@code jdbcUrl} (created if
   * needed), with the last checkpoint's offsets, in one transaction. Every checksum in the chain is
   * verified before anything is loaded.
   *
   * @param replace empty a non-empty projection first; without it a non-empty target is refused
   */
  public static Result into(CheckpointStore store, String id, String jdbcUrl, boolean replace)
      throws Exception {
    List<CheckpointManifest> chain = store.verifiedChain(id);
    CheckpointManifest last = chain.get(chain.size() - 1);
    try (ProjectionDatabase db = ProjectionDatabase.open(jdbcUrl)) {
      if (!replace && !db.isEmpty()) {
        throw new IllegalStateException(
            "the projection at "
                + Redaction.jdbcUrl(jdbcUrl)
                + " is not empty; restore into a new one or pass"
                + " --replace");
      }
      ProjectionWriter.Applied applied =
          db.writer()
              .applyAll(
                  visitor -> {
                    for (CheckpointManifest m : chain) {
                      store.readRows(m, visitor);
                    }
                  },
                  replace,
                  last.topic(),
                  last.offsets());
      return new Result(last, chain, applied.rows());
    }
  }

  /** The state at the end of the chain of {@code id}, verified first. */
  public static ProjectionState inMemory(CheckpointStore store, String id) throws Exception {
    List<CheckpointManifest> chain = store.verifiedChain(id);
    ProjectionState state = new ProjectionState();
    for (CheckpointManifest m : chain) {
      store.readRows(m, state::apply);
    }
    return state;
  }
}
