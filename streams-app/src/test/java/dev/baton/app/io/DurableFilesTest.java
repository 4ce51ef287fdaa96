package dev.baton.app.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
  @TempDir Path dir;

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  private long files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Nested
  class Writing {
    @Test
    void shouldCreateTheFileAndItsDirectory() throws IOException {
      Path target = dir.resolve("a/b/state.json");

      DurableFiles.write(target, "{}".getBytes(StandardCharsets.UTF_8));

      assertThat(read(target)).isEqualTo("{}");
      assertThat(DurableFiles.tempOf(target)).doesNotExist();
    }

    @Test
    void shouldReplaceAnExistingFileAndAStaleTempFile() throws IOException {
      Path target = dir.resolve("decisions.md");
      Files.writeString(target, "old");
      Files.writeString(DurableFiles.tempOf(target), "left over by a crash, longer than new");

      DurableFiles.write(target, "new".getBytes(StandardCharsets.UTF_8));

      assertThat(read(target)).isEqualTo("new");
      assertThat(files()).isEqualTo(1);
    }

    @Test
    void shouldKeepWritingAfterTheContentClosesItsStream() throws IOException {
      Path target = dir.resolve("x");

      DurableFiles.write(
          target,
          out -> {
            out.write('a');
            out.close(); // a compressor ending its frame
          });

      assertThat(read(target)).isEqualTo("a");
    }
  }

  @Nested
  class Failing {
    @Test
    void shouldLeaveTheTargetAndNoTempFileWhenTheContentThrows() throws IOException {
      Path target = dir.resolve("state.json");
      Files.writeString(target, "old");

      assertThatThrownBy(
              () ->
                  DurableFiles.write(
                      target,
                      out -> {
                        out.write("half".getBytes(StandardCharsets.UTF_8));
                        throw new IOException("disk full");
                      }))
          .isInstanceOf(IOException.class)
          .hasMessage("disk full");

      assertThat(read(target)).isEqualTo("old");
      assertThat(DurableFiles.tempOf(target)).doesNotExist();
      assertThat(files()).isEqualTo(1);
    }

    @Test
    void shouldCleanUpAfterAnUncheckedFailureToo() throws IOException {
      Path target = dir.resolve("out.json");

      assertThatThrownBy(
              () ->
                  DurableFiles.write(
                      target,
                      out -> {
                        out.write('x');
                        throw new UncheckedIOException(new IOException("boom"));
                      }))
          .isInstanceOf(UncheckedIOException.class);

      assertThat(target).doesNotExist();
      assertThat(files()).isZero();
    }

    @Test
    void shouldCleanUpWhenTheRenameFails() throws IOException {
      // A non-empty directory where the file should go: the rename cannot replace it.
      Path target = dir.resolve("busy");
      Files.createDirectories(target.resolve("child"));

      assertThatThrownBy(() -> DurableFiles.write(target, new byte[] {1, 2, 3}))
          .isInstanceOf(IOException.class);

      assertThat(DurableFiles.tempOf(target)).doesNotExist();
      assertThat(target.resolve("child")).isDirectory();
    }
  }

  @Test
  void shouldRenameAtomicallyOverAnExistingFile() throws IOException {
    Path from = dir.resolve("seg.open");
    Path to = dir.resolve("seg.closed");
    Files.writeString(from, "lines");
    Files.writeString(to, "stale");

    DurableFiles.rename(from, to);

    assertThat(from).doesNotExist();
    assertThat(read(to)).isEqualTo("lines");
  }
}
