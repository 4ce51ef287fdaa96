package dev.baton.app.sink.audit;

import static dev.baton.app.sink.audit.AuditFixtures.T0;
import static dev.baton.app.sink.audit.AuditFixtures.simpleEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.io.FaultyFileIo;
import dev.baton.app.io.FaultyFileIo.Op;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk faults in one partition's log, through the fault-injecting file seam: after a failed write,
 * fsync or rename the log is cut back to its last fsynced line and rewritten from there, and the
 * files hold every offset exactly once with an intact chain, also after what a reboot does to
 * writes the page cache acknowledged but the device never got.
 */
class PartitionLogFaultTest {
  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(T0);
  private final FaultyFileIo io = new FaultyFileIo();

  /** fsync after every write-out, so that what is durable is exactly known. */
  private AuditSinkSettings settings(long maxLines) {
    return AuditFixtures.settings(
        dir,
        new AuditSinkSettings.Rotation(50L << 20, Duration.ofHours(24), maxLines),
        Duration.ofHours(1),
        1);
  }

  private PartitionLog open(long maxLines) throws IOException {
    return PartitionLog.open(0, settings(maxLines), clock::get, io);
  }

  private void append(PartitionLog log, long from, long to) throws IOException {
    for (long offset = from; offset < to; offset++) {
      log.append(
          offset,
          clock.get(),
          "default/task/a",
          simpleEvent("default/task/a", offset + 1, "alice", clock.get()));
    }
  }

  /** The offsets of the partition's lines in order, after checking the whole chain. */
  private List<Long> verifiedOffsets() {
    AuditVerifier.Report report = AuditVerifier.verify(new AuditDirectory(dir));
    assertThat(report.firstProblem()).isEmpty();
    List<Long> offsets = new ArrayList<>();
    for (PartitionScanner.Item item : AuditFixtures.scan(dir, 0)) {
      offsets.add(item.line().offset());
    }
    return offsets;
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void shouldRewriteFromTheLastFsyncedLineAfterAFailedFsyncAndNeverFsyncTheFailedChannelAgain()
      throws IOException {
    PartitionLog log = open(1000);
    append(log, 0, 5);
    log.tick();
    assertThat(log.durableOffset()).isEqualTo(4);

    append(log, 5, 10);
    io.failNext(Op.FORCE, 1, FaultyFileIo.EIO, p -> true);
    assertThatThrownBy(log::tick).isInstanceOf(IOException.class).hasMessage(FaultyFileIo.EIO);
    assertThat(log.failedStep()).isEqualTo("fsync");
    assertThat(log.failedPath().getFileName().toString()).endsWith(".jsonl.open");
    assertThat(log.durableOffset()).as("a failed fsync makes nothing durable").isEqualTo(4);
    assertThat(io.lostBytes()).as("the page cache dropped lines 5-9 silently").isPositive();
    assertThatThrownBy(() -> append(log, 10, 11))
        .as("a failed log takes no more writes")
        .isInstanceOf(IllegalStateException.class);

    log.discardUndurable();
    PartitionLog again = open(1000);
    assertThat(again.nextOffset()).isEqualTo(5);
    append(again, 5, 12);
    again.close(true);

    assertThat(io.forcesAfterFailedForce()).isZero();
    assertThat(io.powerLoss()).as("nothing acknowledged was lost").isZero();
    assertThat(verifiedOffsets()).isEqualTo(range(0, 12));
  }

  @Test
  void shouldLoseLinesAfterAReboot_whenTheWriterTrustsThePageCacheAfterAFailedFsync()
      throws IOException {
    // The checker checked: the recovery above minus the cut-back (reopen what the cache shows).
    PartitionLog log = open(1000);
    append(log, 0, 5);
    log.tick();
    append(log, 5, 10);
    io.failNext(Op.FORCE, 1, FaultyFileIo.EIO, p -> true);
    assertThatThrownBy(log::tick).isInstanceOf(IOException.class);

    PartitionLog naive = open(1000);
    assertThat(naive.nextOffset()).as("the page cache still shows lines 5-9").isEqualTo(10);
    append(naive, 10, 12);
    naive.close(true);
    assertThat(AuditVerifier.verify(new AuditDirectory(dir)).ok()).isTrue();

    assertThat(io.powerLoss()).isPositive();
    assertThat(AuditVerifier.verify(new AuditDirectory(dir)).firstProblem()).isPresent();
  }

  @Test
  void shouldStayFaultedWhileTheDiskIsFullAndResumeWithoutGapOrDuplicateOnceSpaceIsBack()
      throws IOException {
    PartitionLog log = open(1000);
    append(log, 0, 3);
    log.tick();
    io.space(100); // less than a line: the next write-out is partial, then ENOSPC
    append(log, 3, 8);
    assertThatThrownBy(log::tick).isInstanceOf(IOException.class).hasMessage(FaultyFileIo.ENOSPC);
    assertThat(log.failedStep()).isEqualTo("write");
    log.discardUndurable();

    // Still full: opening works (nothing to write), the first write-out fails again.
    PartitionLog stillFull = open(1000);
    assertThat(stillFull.nextOffset()).isEqualTo(3);
    append(stillFull, 3, 8);
    assertThatThrownBy(stillFull::tick).isInstanceOf(IOException.class);
    stillFull.discardUndurable();

    io.clear();
    PartitionLog resumed = open(1000);
    assertThat(resumed.nextOffset()).isEqualTo(3);
    append(resumed, 3, 8);
    resumed.close(true);
    assertThat(io.powerLoss()).isZero();
    assertThat(verifiedOffsets()).isEqualTo(range(0, 8));
  }

  @Test
  void shouldFinishARotationWhoseRenameFailed() throws IOException {
    PartitionLog log = open(4);
    append(log, 0, 3);
    io.failNext(Op.MOVE, 1, FaultyFileIo.EIO, p -> p.toString().endsWith(".jsonl"));
    assertThatThrownBy(() -> append(log, 3, 4)).isInstanceOf(IOException.class);
    assertThat(log.failedStep()).isEqualTo("rename");
    log.discardUndurable();

    PartitionLog again = open(4);
    assertThat(again.nextOffset())
        .as("the full segment was fsynced before the rename")
        .isEqualTo(4);
    append(again, 4, 9);
    again.close(true);
    assertThat(verifiedOffsets()).isEqualTo(range(0, 9));
    assertThat(AuditFixtures.files(dir.resolve("0")))
        .extracting(f -> f.getFileName().toString())
        .containsExactly(
            "00000000000000000000.jsonl",
            "00000000000000000004.jsonl",
            "00000000000000000008.jsonl");
  }

  @Test
  void shouldFsyncTheFolderAgainWhenItsFsyncFailedAfterTheRename() throws IOException {
    PartitionLog log = open(4);
    append(log, 0, 2);
    log.tick(); // the segment and its creation are durable
    append(log, 2, 3);
    io.failNext(Op.FSYNC_DIR, 1, FaultyFileIo.EIO, p -> true);
    assertThatThrownBy(() -> append(log, 3, 4)).isInstanceOf(IOException.class);
    assertThat(log.failedStep()).isEqualTo("rename");
    log.discardUndurable();

    PartitionLog again = open(4);
    assertThat(again.nextOffset()).isEqualTo(4);
    append(again, 4, 6);
    again.close(true);
    assertThat(verifiedOffsets()).isEqualTo(range(0, 6));
  }

  @Test
  void shouldDeleteAnOpenSegmentNothingOfWhichWasFsynced() throws IOException {
    PartitionLog log = open(2);
    append(log, 0, 2); // rotated: the next segment is created on the next append
    io.failNext(Op.FORCE, 1, FaultyFileIo.EIO, p -> true);
    append(log, 2, 3);
    assertThatThrownBy(log::tick).isInstanceOf(IOException.class);
    log.discardUndurable();

    assertThat(AuditFixtures.files(dir.resolve("0")))
        .extracting(f -> f.getFileName().toString())
        .containsExactly("00000000000000000000.jsonl");
    PartitionLog again = open(2);
    assertThat(again.nextOffset()).isEqualTo(2);
    append(again, 2, 5);
    again.close(true);
    assertThat(io.powerLoss()).isZero();
    assertThat(verifiedOffsets()).isEqualTo(range(0, 5));
  }

  @Test
  void shouldRetryTheCutBackUntilTheDiskTakesIt() throws IOException {
    PartitionLog log = open(1000);
    append(log, 0, 3);
    log.tick();
    append(log, 3, 6);
    io.failAlways(Op.FORCE, FaultyFileIo.EIO, p -> true);
    assertThatThrownBy(log::tick).isInstanceOf(IOException.class);
    assertThatThrownBy(log::discardUndurable).isInstanceOf(IOException.class);
    assertThat(log.failedStep()).isEqualTo("truncate");

    io.clear();
    log.discardUndurable();
    PartitionLog again = open(1000);
    assertThat(again.nextOffset()).isEqualTo(3);
    append(again, 3, 6);
    again.close(true);
    assertThat(io.powerLoss()).isZero();
    assertThat(verifiedOffsets()).isEqualTo(range(0, 6));
  }

  /**
   * Random faults of every kind at random moments while 300 records are written (offsets with gaps,
   * as transaction markers leave them), each followed by what the sink does: cut back, reopen,
   * consume again from the next offset. 20 seeds by default, 300 with {@code -Dsoak}.
   */
  @Test
  void shouldKeepEveryOffsetExactlyOnceThroughRandomFaults() throws IOException {
    int seeds = System.getProperty("soak") == null ? 20 : 300;
    long base = new java.util.Random().nextLong();
    long faults = 0;
    for (int k = 0; k < seeds; k++) {
      long seed = base + k;
      Path folder = dir.resolve("seed-" + k);
      try {
        faults += randomFaults(folder, seed);
      } catch (AssertionError | IOException | RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
    assertThat(faults).as("faults met").isGreaterThanOrEqualTo(seeds);
  }

  /** One run; returns how many faults it met. */
  private int randomFaults(Path folder, long seed) throws IOException {
    java.util.Random rnd = new java.util.Random(seed);
    FaultyFileIo faulty = new FaultyFileIo();
    AuditSinkSettings settings =
        AuditFixtures.settings(
            folder,
            new AuditSinkSettings.Rotation(50L << 20, Duration.ofHours(24), 3 + rnd.nextInt(20)),
            Duration.ofHours(1),
            1 + rnd.nextInt(3000));
    List<Long> offsets = new ArrayList<>();
    for (long o = 0; offsets.size() < 300; o += 1 + rnd.nextInt(2)) {
      offsets.add(o);
    }
    Op[] ops = Op.values();
    PartitionLog log = reopen(settings, faulty, rnd);
    int i = 0;
    int faults = 0;
    while (i < offsets.size()) {
      if (rnd.nextInt(25) == 0) {
        Op op = ops[rnd.nextInt(ops.length)];
        if (op == Op.WRITE && rnd.nextBoolean()) {
          faulty.space(rnd.nextInt(600));
        } else {
          String message = rnd.nextBoolean() ? FaultyFileIo.EIO : FaultyFileIo.ENOSPC;
          faulty.failNext(op, 1 + rnd.nextInt(3), message, p -> true);
        }
      }
      try {
        long offset = offsets.get(i);
        log.append(
            offset,
            clock.get(),
            "default/task/a",
            simpleEvent("default/task/a", offset + 1, "alice", clock.get()));
        i++;
        if (rnd.nextInt(5) == 0) {
          log.tick();
        }
      } catch (IOException e) {
        faults++;
        while (true) {
          try {
            log.discardUndurable();
            break;
          } catch (IOException again) {
            faulty.clear();
          }
        }
        if (rnd.nextBoolean()) {
          faulty.clear();
        }
        log = reopen(settings, faulty, rnd);
        long next = log.nextOffset();
        i = 0;
        while (i < offsets.size() && offsets.get(i) < next) {
          i++;
        }
      }
    }
    faulty.clear();
    log.close(true);
    assertThat(faulty.forcesAfterFailedForce()).isZero();
    assertThat(faulty.powerLoss()).as("bytes lost at a reboot (%d faults)", faults).isZero();
    AuditVerifier.Report report = AuditVerifier.verify(new AuditDirectory(folder));
    assertThat(report.firstProblem()).isEmpty();
    List<Long> written = new ArrayList<>();
    for (PartitionScanner.Item item : AuditFixtures.scan(folder, 0)) {
      written.add(item.line().offset());
    }
    assertThat(written).isEqualTo(offsets);
    return faults;
  }

  /** Opens the partition, clearing the faults after a failed attempt (the disk recovers). */
  private PartitionLog reopen(AuditSinkSettings settings, FaultyFileIo faulty, java.util.Random rnd)
      throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        return PartitionLog.open(0, settings, clock::get, faulty);
      } catch (IOException e) {
        if (attempt > 0 || rnd.nextBoolean()) {
          faulty.clear();
        }
      }
    }
  }
}
