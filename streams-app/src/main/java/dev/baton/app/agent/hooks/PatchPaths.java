package dev.baton.app.agent.hooks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The files an {@code apply_patch} envelope touches (Codex and OpenCode send one): every {@code ***
 * Add File:}, {@code *** Update File:}, {@code *** Delete File:} and {@code *** Move to:} line. The
 * OpenCode plugin carries the same rules in JavaScript.
 */
final class PatchPaths {
  private static final List<String> MARKERS =
      List.of("*** Add File:", "*** Update File:", "*** Delete File:", "*** Move to:");

  private PatchPaths() {}

  static List<String> of(String patch) {
    Set<String> paths = new LinkedHashSet<>();
    for (String line : patch.split("\n", -1)) {
      String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      for (String marker : MARKERS) {
        if (l.startsWith(marker)) {
          String path = l.substring(marker.length()).trim();
          if (!path.isEmpty()) {
            paths.add(path);
          }
        }
      }
    }
    return new ArrayList<>(paths);
  }
}
