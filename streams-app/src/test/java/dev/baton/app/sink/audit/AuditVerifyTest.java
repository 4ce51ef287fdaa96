package dev.baton.app.sink.audit;

import static dev.baton.app.sink.audit.AuditFixtures.T0;
import static dev.baton.app.sink.audit.AuditFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import dev.baton.app.cli.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton audit verify} on intact folders and on every kind of damage. */
class AuditVerifyTest {
  private static final String SEG0 = "00000000000000000000.jsonl";
  private static final String SEG1 = "00000000000000000010.jsonl";
  private static final String SEG2 = "00000000000000000020.jsonl";
  private static final String SEG3 = "00000000000000000030.jsonl";

  @TempDir Path dir;

  /** Partition 0: segments of 5 lines at offsets 0, 10, 20, 30 (even offsets); partition 1: 7. */
  @BeforeEach
  void writeTrail() throws IOException {
    AuditSinkSettings s =
        settings(dir, new AuditSinkSettings.Rotation(1L << 30, Duration.ofDays(1), 5));
    AuditFixtures.writeLines(s, 0, 20, new AtomicLong(T0));
    AuditFixtures.writeLines(s, 1, 7, new AtomicLong(T0 + 5));
  }

  private CliRun verify() {
    return CliRun.of("audit", "verify", dir.toString());
  }

  private Path segment(String name) {
    return dir.resolve("0").resolve(name);
  }

  private static List<byte[]> lines(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        lines.add(Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    return lines;
  }

  private static void writeLines(Path file, List<byte[]> lines) throws IOException {
    StringBuilder b = new StringBuilder();
    for (byte[] l : lines) {
      b.append(new String(l, StandardCharsets.UTF_8)).append('\n');
    }
    Files.writeString(file, b.toString());
  }

  @Test
  void shouldPassOnAnIntactTrailAndPrintEachPartitionsHead() {
    CliRun run = verify();

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("partition 0: 4 segments, 20 lines, last offset 38, head ");
    assertThat(run.out()).contains("partition 1: 2 segments, 7 lines, last offset 12");
    assertThat(run.out()).contains("OK: 27 lines in 6 segments of 2 partitions");
  }

  @Test
  void shouldNameTheLineWhoseByteWasFlipped() throws IOException {
    Path file = segment(SEG1);
    byte[] bytes = Files.readAllBytes(file);
    int line3 = nthLineStart(bytes, 3);
    int pos = indexOf(bytes, "agent-".getBytes(StandardCharsets.UTF_8), line3);
    bytes[pos + 2] ^= 0x01; // "agent" -> "afent": still JSON, but not what was hashed
    Files.write(file, bytes);

    CliRun run = verify();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("FAILED 0/" + SEG1 + ":3: hash mismatch");
  }

  @Test
  void shouldCatchAFlippedByteAnywhere() throws IOException {
    Random random = new Random(42);
    List<Path> files = AuditFixtures.files(dir.resolve("0"));
    for (int i = 0; i < 25; i++) {
      Path file = files.get(random.nextInt(files.size()));
      byte[] original = Files.readAllBytes(file);
      byte[] damaged = original.clone();
      int pos = random.nextInt(damaged.length);
      damaged[pos] ^= (byte) (1 << random.nextInt(8));
      Files.write(file, damaged);

      CliRun run = verify();

      assertThat(run.exitCode()).as("flip at %s:%d\n%s", file, pos, run).isEqualTo(1);
      assertThat(run.out()).contains("FAILED 0/" + file.getFileName());
      Files.write(file, original);
    }
    assertThat(verify().exitCode()).isZero();
  }

  @Test
  void shouldCatchATruncatedSegment() throws IOException {
    Path file = segment(SEG1);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 40));

    CliRun run = verify();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("FAILED 0/" + SEG1 + ":5: torn line");
  }

  @Test
  void shouldCatchASegmentThatLostWholeLinesAtItsEnd() throws IOException {
    Path file = segment(SEG1);
    List<byte[]> lines = lines(file);
    writeLines(file, lines.subList(0, 4));

    CliRun run = verify();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("FAILED 0/" + SEG2 + ":1: missing segment: does not continue" + " 0/" + SEG1);
  }

  @Test
  void shouldCatchADeletedMiddleSegment() throws IOException {
    Files.delete(segment(SEG1));

    CliRun run = verify();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("FAILED 0/" + SEG2 + ":1: missing segment: does not continue 0/" + SEG0);
  }

  @Test
  void shouldCatchADeletedFirstSegment() throws IOException {
    Files.delete(segment(SEG0));

    CliRun run = verify();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains(
            "FAILED 0/"
                + SEG1
                + ":1: missing segment: the first segment"
                + " does not start the chain");
  }

  @Test
  void shouldCatchSwappedSegments() throws IOException {
    Path a = segment(SEG1);
    Path b = segment(SEG2);
    Path temp = dir.resolve("swap");
    Files.move(a, temp);
    Files.move(b, a);
    Files.move(temp, b);

    CliRun run = verify();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains(
            "FAILED 0/"
                + SEG1
                + ":1: misnamed: the file is named for"
                + " offset 10 but its first line has offset 20");
  }

  @Test
  void shouldCatchAnEditedEventWhoseOwnHashWasRecomputed() throws Exception {
    Path file = segment(SEG2);
    List<byte[]> lines = lines(file);
    AuditLine original = AuditLine.parse(lines.get(1), lines.get(1).length);
    ObjectNode edited = original.event().deepCopy();
    edited.put("agent", "mallory");
    byte[] forged =
        AuditLineEncoder.encode(
            original.partition(),
            original.offset(),
            original.timestamp(),
            original.key(),
            edited,
            null,
            original.prev());
    lines.set(1, forged);
    writeLines(file, lines);
    assertThat(AuditLine.parse(forged, forged.length).event().path("agent").asText())
        .as("the forged line is consistent in itself")
        .isEqualTo("mallory");

    CliRun run = verify();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("FAILED 0/" + SEG2 + ":2: chain broken: line 3 chains to a" + " different hash");
  }

  @Test
  void shouldCatchARepeatedLine() throws IOException {
    Path file = segment(SEG3);
    List<byte[]> lines = new ArrayList<>(lines(file));
    lines.add(2, lines.get(1));
    writeLines(file, lines);

    CliRun run = verify();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("FAILED 0/" + SEG3 + ":3: reordered: offset 32 does not" + " follow offset 32");
  }

  @Test
  void shouldReportATornTailOfTheOpenSegment() throws IOException {
    Path open = segment("00000000000000000040.jsonl.open");
    Files.writeString(open, "{\"v\":1,\"partition\":0");

    CliRun run = verify();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("FAILED 0/00000000000000000040.jsonl.open:1: torn line");
  }

  @Nested
  class Compressed {
    @BeforeEach
    void compress() throws IOException {
      for (Path f : AuditFixtures.files(dir.resolve("0"))) {
        Files.write(
            f.resolveSibling(f.getFileName() + ".zst"), Zstd.compress(Files.readAllBytes(f)));
        Files.delete(f);
      }
    }

    @Test
    void shouldPassOnIntactCompressedSegments() {
      CliRun run = verify();

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains("OK: 27 lines in 6 segments of 2 partitions");
    }

    @Test
    void shouldNameTheLineOfAFlippedByteInsideACompressedSegment() throws IOException {
      Path file = segment(SEG1 + ".zst");
      byte[] plain = Zstd.decompress(Files.readAllBytes(file), 1 << 20);
      int pos = indexOf(plain, "agent-".getBytes(StandardCharsets.UTF_8), nthLineStart(plain, 4));
      plain[pos + 1] ^= 0x02;
      Files.write(file, Zstd.compress(plain));

      CliRun run = verify();

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).contains("FAILED 0/" + SEG1 + ".zst:4: hash mismatch");
    }
  }

  private static int nthLineStart(byte[] bytes, int n) {
    int line = 1;
    for (int i = 0; i < bytes.length && line < n; i++) {
      if (bytes[i] == '\n') {
        line++;
        if (line == n) {
          return i + 1;
        }
      }
    }
    return 0;
  }

  private static int indexOf(byte[] bytes, byte[] what, int from) {
    outer:
    for (int i = from; i <= bytes.length - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (bytes[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
