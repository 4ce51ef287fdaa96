package dev.baton.app.topology;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The parsing cases of JSONTestSuite (github.com/nst/JSONTestSuite), read at test time from the
 * {@code shared/} directory beside the clone; never copied into the project. Tests that use it are
 * skipped when the directory is missing.
 */
public final class JsonTestSuite {
  private static final List<Path> CANDIDATES =
      List.of(
          Path.of("../../shared/testdata/jsontestsuite/test_parsing"),
          Path.of("../shared/testdata/jsontestsuite/test_parsing"));

  private JsonTestSuite() {}

  /** Every {@code test_parsing/*.json} file, sorted; assumes (skips the test) when absent. */
  public static List<Path> files() {
    Path dir = CANDIDATES.stream().filter(Files::isDirectory).findFirst().orElse(null);
    assumeTrue(dir != null, "JSONTestSuite not found at " + CANDIDATES);
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  public static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
