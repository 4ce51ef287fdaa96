package dev.baton.app.sink.audit;

import static dev.baton.app.sink.audit.AuditFixtures.T0;
import static dev.baton.app.sink.audit.AuditFixtures.files;
import static dev.baton.app.sink.audit.AuditFixtures.scan;
import static dev.baton.app.sink.audit.AuditFixtures.settings;
import static dev.baton.app.sink.audit.AuditFixtures.simpleEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {
  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(T0);

  private Path partition0() {
    return dir.resolve("0");
  }

  private List<Long> offsetsIn(Path file) throws IOException {
    try (InputStream in = AuditDirectory.open(Segment.of(0, file).orElseThrow(), new AtomicLong());
        LineReader r = new LineReader(in)) {
      List<Long> offsets = new java.util.ArrayList<>();
      while (r.next()) {
        offsets.add(AuditLine.parse(r.buffer(), r.length()).offset());
      }
      return offsets;
    } catch (AuditLine.BadLineException e) {
      throw new AssertionError(e);
    }
  }

  private void append(PartitionLog log, long offset) throws IOException {
    log.append(
        offset,
        clock.get(),
        "default/task/a",
        simpleEvent("default/task/a", offset + 1, "alice", clock.get()));
  }

  @Nested
  class Rotation {
    @Test
    void shouldRotateByLineCount() throws IOException {
      AuditFixtures.writeLines(
          settings(dir, new AuditSinkSettings.Rotation(1L << 30, Duration.ofDays(1), 3)),
          0,
          7,
          clock);

      List<Path> files = files(partition0());
      assertThat(files)
          .extracting(f -> f.getFileName().toString())
          .containsExactly(
              "00000000000000000000.jsonl",
              "00000000000000000006.jsonl",
              "00000000000000000012.jsonl");
      assertThat(offsetsIn(files.get(0))).containsExactly(0L, 2L, 4L);
      assertThat(offsetsIn(files.get(1))).containsExactly(6L, 8L, 10L);
      assertThat(offsetsIn(files.get(2))).containsExactly(12L);
    }

    @Test
    void shouldRotateBySizeWithoutExceedingIt() throws IOException {
      long maxBytes = 1200;
      AuditFixtures.writeLines(
          settings(dir, new AuditSinkSettings.Rotation(maxBytes, Duration.ofDays(1), 1000)),
          0,
          20,
          clock);

      List<Path> files = files(partition0());
      assertThat(files).hasSizeGreaterThan(3);
      long lineSize = Files.size(files.get(0)) / offsetsIn(files.get(0)).size();
      for (Path f : files) {
        assertThat(Files.size(f)).isLessThanOrEqualTo(maxBytes);
      }
      for (Path f : files.subList(0, files.size() - 1)) {
        assertThat(Files.size(f) + lineSize)
            .as("the next line would not fit")
            .isGreaterThan(maxBytes - 10);
      }
      assertThat(scan(dir, 0)).hasSize(20).allMatch(PartitionScanner.Item::ok);
    }

    @Test
    void shouldRotateByAgeEvenWhenNoRecordsArrive() throws IOException {
      try (PartitionLog log =
          PartitionLog.open(
              0,
              settings(dir, new AuditSinkSettings.Rotation(1L << 30, Duration.ofMinutes(10), 1000)),
              clock::get)) {
        append(log, 0);
        append(log, 1);
        clock.addAndGet(Duration.ofMinutes(9).toMillis());
        log.tick();
        assertThat(files(partition0()))
            .extracting(f -> f.getFileName().toString())
            .containsExactly("00000000000000000000.jsonl.open");

        clock.addAndGet(Duration.ofMinutes(1).toMillis());
        log.tick();
        assertThat(files(partition0()))
            .extracting(f -> f.getFileName().toString())
            .containsExactly("00000000000000000000.jsonl");

        append(log, 5);
        log.close(false);
      }
      assertThat(files(partition0()))
          .extracting(f -> f.getFileName().toString())
          .containsExactly("00000000000000000000.jsonl", "00000000000000000005.jsonl.open");
    }

    @Test
    void shouldRotateAtWhicheverLimitComesFirst() throws IOException {
      AuditSinkSettings s =
          settings(dir, new AuditSinkSettings.Rotation(100_000, Duration.ofMinutes(5), 4));
      try (PartitionLog log = PartitionLog.open(0, s, clock::get)) {
        for (long o = 0; o < 6; o++) {
          append(log, o); // lines close 0..3
        }
        clock.addAndGet(Duration.ofMinutes(5).toMillis());
        append(log, 6); // age closes 4..5 before 6 is written
        log.close(false);
      }
      List<Path> files = files(partition0());
      assertThat(offsetsIn(files.get(0))).containsExactly(0L, 1L, 2L, 3L);
      assertThat(offsetsIn(files.get(1))).containsExactly(4L, 5L);
      assertThat(offsetsIn(files.get(2))).containsExactly(6L);
      assertThat(scan(dir, 0)).hasSize(7).allMatch(PartitionScanner.Item::ok);
    }

    @Test
    void shouldCompressClosedSegmentsAndReadThemBackIdentically() throws IOException {
      AuditSinkSettings plain =
          settings(
              dir.resolve("plain"),
              new AuditSinkSettings.Rotation(1L << 30, Duration.ofDays(1), 5));
      AuditSinkSettings zstd =
          AuditFixtures.compressed(settings(dir.resolve("zstd"), plain.rotation()));
      AuditFixtures.writeLines(plain, 0, 23, new AtomicLong(T0));
      AuditFixtures.writeLines(zstd, 0, 23, new AtomicLong(T0));

      assertThat(files(dir.resolve("zstd/0")))
          .allMatch(f -> f.getFileName().toString().endsWith(".jsonl.zst"))
          .hasSize(5);
      List<String> plainLines = texts(scan(dir.resolve("plain"), 0));
      assertThat(texts(scan(dir.resolve("zstd"), 0))).hasSize(23).isEqualTo(plainLines);
      assertThat(AuditVerifier.verify(new AuditDirectory(dir.resolve("zstd"))).ok()).isTrue();
    }
  }

  private static List<String> texts(List<PartitionScanner.Item> items) {
    return items.stream().map(i -> new String(i.bytes(), StandardCharsets.UTF_8)).toList();
  }

  @Nested
  class Resume {
    @Test
    void shouldContinueTheChainAfterRestart() throws IOException {
      AuditSinkSettings s = settings(dir);
      try (PartitionLog log = PartitionLog.open(0, s, clock::get)) {
        append(log, 0);
        append(log, 3);
        log.close(false);
      }
      try (PartitionLog log = PartitionLog.open(0, s, clock::get)) {
        assertThat(log.nextOffset()).isEqualTo(4);
        append(log, 3); // already written: ignored
        append(log, 7);
      }
      List<PartitionScanner.Item> items = scan(dir, 0);
      assertThat(items).allMatch(PartitionScanner.Item::ok);
      assertThat(items).extracting(i -> i.line().offset()).containsExactly(0L, 3L, 7L);
    }

    @Test
    void shouldStartFromTheBeginningWhenThereAreNoFiles() throws IOException {
      try (PartitionLog log = PartitionLog.open(0, settings(dir), clock::get)) {
        assertThat(log.nextOffset()).isEqualTo(-1);
      }
    }

    @Test
    void shouldCutOffATornLastLineAndResumeAfterTheLastCompleteOne() throws IOException {
      AuditSinkSettings s = settings(dir);
      try (PartitionLog log = PartitionLog.open(0, s, clock::get)) {
        append(log, 0);
        append(log, 1);
        log.close(false);
      }
      Path open = partition0().resolve("00000000000000000000.jsonl.open");
      byte[] before = Files.readAllBytes(open);
      Files.write(
          open,
          "{\"v\":1,\"partition\":0,\"offs".getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.APPEND);

      try (PartitionLog log = PartitionLog.open(0, s, clock::get)) {
        assertThat(Files.readAllBytes(open)).isEqualTo(before);
        assertThat(log.nextOffset()).isEqualTo(2);
        append(log, 2);
      }
      assertThat(scan(dir, 0)).extracting(i -> i.line().offset()).containsExactly(0L, 1L, 2L);
      assertThat(AuditVerifier.verify(new AuditDirectory(dir)).ok()).isTrue();
    }

    @Test
    void shouldCutOffGarbageAtTheEndLeftByAPowerLoss() throws IOException {
      AuditSinkSettings s = settings(dir);
      try (PartitionLog log = PartitionLog.open(0, s, clock::get)) {
        append(log, 0);
        log.close(false);
      }
      Path open = partition0().resolve("00000000000000000000.jsonl.open");
      Files.write(open, new byte[] {0, 0, 0, 0, '\n', 0, 0}, StandardOpenOption.APPEND);

      try (PartitionLog log = PartitionLog.open(0, s, clock::get)) {
        assertThat(log.nextOffset()).isEqualTo(1);
      }
      assertThat(AuditVerifier.verify(new AuditDirectory(dir)).ok()).isTrue();
    }

    @Test
    void shouldDeleteAnOpenSegmentThatHoldsOnlyATornLine() throws IOException {
      AuditSinkSettings s =
          settings(dir, new AuditSinkSettings.Rotation(1L << 30, Duration.ofDays(1), 2));
      try (PartitionLog log = PartitionLog.open(0, s, clock::get)) {
        append(log, 0);
        append(log, 1); // closes segment 0
      }
      Path torn = partition0().resolve("00000000000000000004.jsonl.open");
      Files.writeString(torn, "{\"v\":1,");

      try (PartitionLog log = PartitionLog.open(0, s, clock::get)) {
        assertThat(log.nextOffset()).isEqualTo(2);
        assertThat(torn).doesNotExist();
        append(log, 4);
      }
      assertThat(AuditVerifier.verify(new AuditDirectory(dir)).ok()).isTrue();
    }

    @Test
    void shouldRefuseToAppendAfterDamageThatIsNotATornTail() throws IOException {
      AuditSinkSettings s = settings(dir);
      try (PartitionLog log = PartitionLog.open(0, s, clock::get)) {
        append(log, 0);
        append(log, 1);
        append(log, 2);
        log.close(false);
      }
      Path open = partition0().resolve("00000000000000000000.jsonl.open");
      byte[] bytes = Files.readAllBytes(open);
      int secondLine = indexOf(bytes, (byte) '\n') + 1;
      bytes[secondLine + 3] = 'X';
      Files.write(open, bytes);

      assertThatThrownBy(() -> PartitionLog.open(0, s, clock::get))
          .isInstanceOf(AuditCorruptionException.class)
          .hasMessageContaining("0/00000000000000000000.jsonl.open:2")
          .hasMessageContaining("valid lines follow");
      assertThat(Files.readAllBytes(open)).as("nothing is cut off").isEqualTo(bytes);
    }

    @Test
    void shouldCloseTheOpenSegmentOnACleanStop() throws IOException {
      try (PartitionLog log = PartitionLog.open(0, settings(dir), clock::get)) {
        append(log, 0);
      }
      assertThat(files(partition0()))
          .extracting(f -> f.getFileName().toString())
          .containsExactly("00000000000000000000.jsonl");
    }

    @Test
    void shouldCompressASegmentWhoseCompressionACrashInterrupted() throws IOException {
      AuditSinkSettings s =
          AuditFixtures.compressed(
              settings(dir, new AuditSinkSettings.Rotation(1L << 30, Duration.ofDays(1), 2)));
      AuditFixtures.writeLines(settings(dir, s.rotation()), 0, 4, clock);
      // A crash left a half-written temp file next to the plain segment.
      Files.writeString(partition0().resolve("00000000000000000000.jsonl.zst.tmp"), "partial");

      try (PartitionLog log = PartitionLog.open(0, s, clock::get)) {
        assertThat(log.nextOffset()).isEqualTo(7);
      }
      assertThat(files(partition0()))
          .extracting(f -> f.getFileName().toString())
          .containsExactly("00000000000000000000.jsonl.zst", "00000000000000000004.jsonl.zst");
      assertThat(scan(dir, 0)).hasSize(4).allMatch(PartitionScanner.Item::ok);
    }
  }

  @Nested
  class Retention {
    @Test
    void shouldDeleteOldSegmentsAndAnchorTheChainSoVerifyStillPasses() throws IOException {
      AuditSinkSettings s =
          settings(dir, new AuditSinkSettings.Rotation(1L << 30, Duration.ofDays(1), 3));
      AuditFixtures.writeLines(s, 0, 12, clock); // segments at 0, 6, 12, 18
      long old = clock.get() - Duration.ofDays(10).toMillis();
      List<Path> written = files(partition0());
      for (int i = 0; i < written.size(); i++) {
        Files.setLastModifiedTime(written.get(i), FileTime.fromMillis(i < 2 ? old : clock.get()));
      }

      try (PartitionLog log =
          PartitionLog.open(
              0, AuditFixtures.withRetention(s, Duration.ofDays(1).toMillis(), -1), clock::get)) {
        assertThat(log.nextOffset()).isEqualTo(23);
      }

      assertThat(files(partition0()))
          .extracting(f -> f.getFileName().toString())
          .containsExactly("00000000000000000012.jsonl", "00000000000000000018.jsonl");
      RetentionAnchor anchor = RetentionAnchor.read(partition0()).orElseThrow();
      assertThat(anchor.lastOffset()).isEqualTo(10);
      assertThat(anchor.deletedSegments()).isEqualTo(2);
      AuditVerifier.Report report = AuditVerifier.verify(new AuditDirectory(dir));
      assertThat(report.ok()).isTrue();
      assertThat(report.lines()).isEqualTo(6);
    }

    @Test
    void shouldKeepThePartitionUnderItsByteLimitButNeverDeleteTheNewestClosedSegment()
        throws IOException {
      AuditSinkSettings s =
          AuditFixtures.withRetention(
              settings(dir, new AuditSinkSettings.Rotation(1L << 30, Duration.ofDays(1), 2)),
              -1,
              1);
      AuditFixtures.writeLines(s, 0, 8, clock);

      assertThat(files(partition0()))
          .extracting(f -> f.getFileName().toString())
          .containsExactly("00000000000000000012.jsonl");
      assertThat(AuditVerifier.verify(new AuditDirectory(dir)).ok()).isTrue();
    }
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
