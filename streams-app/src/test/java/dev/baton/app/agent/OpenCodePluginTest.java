package dev.baton.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped OpenCode plugin's path extraction, run under node (skipped without node). */
class OpenCodePluginTest {
  @Test
  void shouldExtractThePathsOfEditsWritesAndPatches(@TempDir Path dir) throws Exception {
    assumeTrue(HooksIT.onPath("node"), "node is not installed; the plugin runs under node/bun");
    Path plugin = dir.resolve("baton.mjs");
    try (InputStream in =
        OpenCodePluginTest.class.getResourceAsStream("/agent/baton-opencode.js")) {
      Files.write(plugin, in.readAllBytes());
    }
    String script =
        "import { editedPaths } from '"
            + plugin.toUri()
            + "';\n"
            + "const patch = '*** Begin Patch\\n*** Update File: src/a.ts\\n@@\\n-x\\n+y\\n"
            + "*** Add File: src/b.ts\\n+z\\n*** Delete File: old.ts\\n*** Update File: src/c.ts\\n"
            + "*** Move to: src/d.ts\\n*** Update File: src/a.ts\\n*** End Patch\\n';\n"
            + "console.log(JSON.stringify([\n"
            + "  editedPaths('edit', { filePath: '/repo/src/x.ts', oldString: 'a' }),\n"
            + "  editedPaths('write', { filePath: 'y.ts', content: '' }),\n"
            + "  editedPaths('apply_patch', { patchText: patch }),\n"
            + "  editedPaths('read', { filePath: 'z.ts' }),\n"
            + "  editedPaths('edit', { filePath: 42 }),\n"
            + "  editedPaths('edit', null)\n"
            + "]));\n";
    Path test = dir.resolve("test.mjs");
    Files.writeString(test, script);
    Process node = new ProcessBuilder("node", test.toString()).redirectErrorStream(true).start();
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = read(node.getInputStream()).trim();
    assertThat(node.exitValue()).as(out).isZero();
    assertThat(out)
        .isEqualTo(
            "[[\"/repo/src/x.ts\"],[\"y.ts\"],"
                + "[\"src/a.ts\",\"src/b.ts\",\"old.ts\",\"src/c.ts\",\"src/d.ts\"],[],[],[]]");
  }

  private static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
