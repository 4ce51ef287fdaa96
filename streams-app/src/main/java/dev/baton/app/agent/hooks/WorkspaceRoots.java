package dev.baton.app.agent.hooks;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The workspace root a hook's paths are relative to, in this order: the {@code X-Baton-Root} header
 * (the hook scripts send the git top level of the agent's directory), {@code baton.hooks.root},
 * then the nearest directory at or above {@code cwd} that holds {@code .git} (this works only when
 * the node sees the agent's file system, which is the usual local setup).
 */
final class WorkspaceRoots {
  private final Path configured;

  WorkspaceRoots(Path configured) {
    this.configured = configured;
  }

  Path resolve(String header, String cwd) {
    if (header != null && !header.isEmpty()) {
      return absolute("header X-Baton-Root", header);
    }
    if (configured != null) {
      return configured;
    }
    if (cwd == null || cwd.isEmpty()) {
      throw new HookRejection(
          "cannot tell the workspace root: send header X-Baton-Root, set baton.hooks.root, or"
              + " send cwd");
    }
    Path start = absolute("cwd", cwd);
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(".git"))) {
        return dir;
      }
    }
    throw new HookRejection(
        "cannot tell the workspace root: no .git at or above cwd "
            + EditTarget.shorten(cwd)
            + " on this node; send header X-Baton-Root or set baton.hooks.root");
  }

  private static Path absolute(String what, String value) {
    try {
      Path path = Path.of(value);
      if (!path.isAbsolute()) {
        throw new HookRejection(
            what + " must be an absolute path, got " + EditTarget.shorten(value));
      }
      return path.normalize();
    } catch (InvalidPathException e) {
      throw new HookRejection(what + " is not a valid path: " + EditTarget.shorten(value));
    }
  }
}
