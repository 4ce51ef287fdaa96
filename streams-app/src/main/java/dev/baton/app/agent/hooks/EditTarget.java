package dev.baton.app.agent.hooks;

import dev.baton.sdk.protocol.Names;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where an edited file lives in Baton's terms: the lock resource {@code file/<path relative to the
 * workspace root>}, with {@code /} as separator whatever the platform. A path outside the root (an
 * absolute path elsewhere, or {@code ..} climbing out) has no resource: the edit is denied, and
 * nothing is ever locked outside the root.
 */
record EditTarget(String resource, String relative) {
  static final String PREFIX = "file/";

  /** The result of mapping a path: a target, or the reason there is none. */
  sealed interface Mapping permits Mapped, Unmapped {}

  record Mapped(EditTarget target) implements Mapping {}

  record Unmapped(String reason) implements Mapping {}

  /**
   * Maps {@code filePath} (absolute, or relative to {@code cwd}) under {@code root} (absolute,
   * normalized).
   */
  static Mapping of(Path root, String cwd, String filePath) {
    if (filePath.isEmpty()) {
      return new Unmapped("the file path is empty");
    }
    Path path;
    try {
      Path given = Path.of(filePath);
      if (!given.isAbsolute()) {
        Path base = cwd == null || cwd.isEmpty() ? root : Path.of(cwd);
        if (!base.isAbsolute()) {
          return new Unmapped("cwd '" + shorten(cwd) + "' is not an absolute path");
        }
        given = base.resolve(given);
      }
      path = given.normalize();
    } catch (InvalidPathException e) {
      return new Unmapped("'" + shorten(filePath) + "' is not a valid path");
    }
    if (!path.startsWith(root) || path.equals(root)) {
      return new Unmapped(
          "'" + shorten(filePath) + "' is outside the workspace root " + shorten(root.toString()));
    }
    String relative = root.relativize(path).toString().replace('\\', '/');
    String resource = PREFIX + relative;
    try {
      Names.checkResource("resource", resource);
    } catch (RuntimeException e) {
      return new Unmapped("'" + shorten(filePath) + "' cannot be locked: " + e.getMessage());
    }
    return new Mapped(new EditTarget(resource, relative));
  }

  /** Long paths echoed back are cut: a reason stays one readable line. */
  static String shorten(String text) {
    String printable = Names.printable(text);
    return printable.length() <= 200 ? printable : printable.substring(0, 200) + "...";
  }
}
