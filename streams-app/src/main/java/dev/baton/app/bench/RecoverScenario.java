package dev.baton.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code recover}: {@code baton audit recover} over an audit folder of N lines (default 1M) of task
 * events over 10,000 tasks, against Jackson's {@code MappingIterator} reading the same files line
 * by line. Each runs in a JVM of its own ({@link RecoverProbe}, {@code -Xmx1g}, serial GC): once
 * for its time, once more for its peak live heap (a full collection every 100 ms). The same runs
 * repeat on a tenth of the lines: the state to rebuild is the same size (every task is in both), so
 * a heap that does not grow with the file stays flat.
 */
public final class RecoverScenario implements Scenario {
  static final int PARTITIONS = 6;
  static final int KEYS = 10_000;
  static final long SEGMENT_LINES = 60_000;
  private static final String MAX_HEAP = "1g";
  private static final long HEAP_SAMPLE_MS = 100;

  @Override
  public String name() {
    return "recover";
  }

  @Override
  public BenchResult run(BenchEnvironment env) throws Exception {
    long lines = BenchOptions.pick(env.options().lines(), env.quick(), 20_000L, 1_000_000L);
    BenchResult result = new BenchResult(name());
    env.describe(result, false);
    result.config("lines", lines);
    result.config("task_keys", KEYS);
    result.config("partitions", PARTITIONS);
    result.config("probe_jvm", "-Xmx" + MAX_HEAP + " -XX:+UseSerialGC");
    result.config("heap_sample_ms", HEAP_SAMPLE_MS);

    Probe small = measure(env, lines / 10, result, "small_");
    Probe full = measure(env, lines, result, "");
    result.metric("lines_per_s", full.baton.linesPerSecond());
    result.metric("peak_heap_mb", full.baton.peakHeapMb());
    result.metric("peak_heap_mb_at_tenth_of_lines", small.baton.peakHeapMb());
    result.metric("heap_growth", full.baton.peakHeapMb() / small.baton.peakHeapMb());
    result.baseline("lines_per_s", full.jackson.linesPerSecond());
    result.baseline("peak_heap_mb", full.jackson.peakHeapMb());
    result.baseline("peak_heap_mb_at_tenth_of_lines", small.jackson.peakHeapMb());
    result.ratio(
        "lines_per_s/mapping_iterator_lines_per_s",
        full.baton.linesPerSecond(),
        full.jackson.linesPerSecond());
    result.note(
        "baton checks every line (SHA-256 of its bytes, the hash chain, offsets) and applies the"
            + " event; the baseline only parses each line into a JsonNode");
    return result;
  }

  /** One probe's report. */
  record Run(long lines, double seconds, double peakHeapMb) {
    double linesPerSecond() {
      return lines / seconds;
    }
  }

  private record Probe(Run baton, Run jackson) {}

  private Probe measure(BenchEnvironment env, long lines, BenchResult result, String prefix)
      throws Exception {
    Path dir = env.scratch("audit-" + lines);
    AuditFiles.Written w = AuditFiles.write(dir, lines, PARTITIONS, KEYS, SEGMENT_LINES);
    result.config(prefix + "audit_bytes", w.bytes());
    Path out = dir.resolveSibling(dir.getFileName() + "-state.json");
    Run baton = probe(lines, 0, "baton", dir.toString(), out.toString());
    checkState(out, lines);
    Run jackson = probe(lines, 0, "jackson", dir.toString());
    double batonHeap =
        probe(lines, HEAP_SAMPLE_MS, "baton", dir.toString(), out.toString()).peakHeapMb();
    double jacksonHeap = probe(lines, HEAP_SAMPLE_MS, "jackson", dir.toString()).peakHeapMb();
    BenchEnvironment.deleteRecursively(dir);
    Files.deleteIfExists(out);
    return new Probe(
        new Run(lines, baton.seconds(), batonHeap), new Run(lines, jackson.seconds(), jacksonHeap));
  }

  private static void checkState(Path out, long lines) throws IOException {
    // The state document is larger than the protocol mapper's document limit.
    JsonNode state = new ObjectMapper().readTree(out.toFile());
    if (state.path("problems").asLong() != 0 || state.path("events").asLong() != lines) {
      throw new IllegalStateException(
          "recovery of the sample folder applied "
              + state.path("events").asLong()
              + " of "
              + lines
              + " events with "
              + state.path("problems").asLong()
              + " problems");
    }
  }

  private static Run probe(long lines, long sampleMs, String... args)
      throws IOException, InterruptedException {
    List<String> probeArgs = new java.util.ArrayList<>(List.of(Long.toString(sampleMs)));
    probeArgs.addAll(List.of(args));
    Process p =
        new ProcessBuilder(RecoverProbe.command(MAX_HEAP, probeArgs.toArray(String[]::new)))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("recover probe " + List.of(args) + " failed");
    }
    String text = new String(out, StandardCharsets.UTF_8).trim();
    String last = text.substring(text.lastIndexOf('\n') + 1);
    JsonNode report = Json.mapper().readTree(last);
    if (report.path("exit").asInt() != 0) {
      throw new IllegalStateException("baton audit recover ended with " + report.get("exit"));
    }
    long counted = report.path("lines").asLong();
    if (counted != 0 && counted != lines) {
      throw new IllegalStateException("the baseline read " + counted + " of " + lines + " lines");
    }
    return new Run(
        lines, report.path("seconds").asDouble(), report.path("peak_heap_mb").asDouble());
  }
}
