package dev.baton.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.baton.app.cli.BatonCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code recover} scenario's measuring process: runs one reader over an audit folder in a JVM
 * of its own, so that the heap it reports holds nothing but that reader, and prints one JSON line
 * {@code {"lines":..,"seconds":..,"peak_heap_mb":..,"exit":..}}. Arguments: {@code SAMPLE_MS MODE
 * DIR [OUT]}.
 *
 * <ul>
 *   <li>{@code baton DIR OUT}: {@code baton audit recover DIR --out OUT}, in-process.
 *   <li>{@code jackson DIR}: every segment file read with Jackson's {@link MappingIterator}, one
 *       {@link JsonNode} per line, nothing else done.
 * </ul>
 *
 * With {@code SAMPLE_MS > 0}, the peak heap is the most heap in use right after a full collection,
 * sampled every {@code SAMPLE_MS} (a sampler thread calls {@link System#gc()}): the live data, not
 * garbage waiting to be collected. The forced collections slow the reader down, so time is measured
 * in a run without sampling ({@code SAMPLE_MS = 0}).
 */
public final class RecoverProbe {
  private RecoverProbe() {}

  public static void main(String[] args) throws Exception {
    long sampleEveryMs = Long.parseLong(args[0]);
    String mode = args[1];
    Path dir = Path.of(args[2]);
    HeapSampler sampler = new HeapSampler(sampleEveryMs);
    if (sampleEveryMs > 0) {
      sampler.start();
    }
    long start = System.nanoTime();
    long lines = 0;
    int exit = 0;
    if (mode.equals("baton")) {
      StringWriter err = new StringWriter();
      var cli = BatonCli.commandLine();
      cli.setErr(new PrintWriter(err));
      exit = cli.execute("audit", "recover", dir.toString(), "--out", args[3]);
      if (exit != 0) {
        System.err.println(err);
      }
    } else {
      lines = readAll(dir);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (sampleEveryMs > 0) {
      sampler.stop();
    }
    System.out.printf(
        "{\"lines\":%d,\"seconds\":%.6f,\"peak_heap_mb\":%.3f,\"exit\":%d}%n",
        lines, seconds, sampler.peakBytes() / (1024.0 * 1024.0), exit);
  }

  /** Reads every segment, partition by partition, in offset order; returns the lines read. */
  static long readAll(Path dir) throws IOException {
    // A plain mapper: Jackson's defaults, nothing of Baton's.
    ObjectReader reader = new ObjectMapper().readerFor(JsonNode.class);
    long lines = 0;
    for (Path file : ExportScenario.segmentFiles(dir)) {
      try (MappingIterator<JsonNode> it = reader.readValues(file.toFile())) {
        while (it.hasNext()) {
          it.next();
          lines++;
        }
      }
    }
    return lines;
  }

  /** Samples the heap in use after a full collection, every {@code everyMs}. */
  private static final class HeapSampler {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final Thread thread = new Thread(this::run, "heap-sampler");
    private final long everyMs;
    private volatile boolean stopped;

    HeapSampler(long everyMs) {
      this.everyMs = everyMs;
    }

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      while (!stopped) {
        sample();
        try {
          Thread.sleep(everyMs);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void sample() {
      System.gc();
      long used = memory.getHeapMemoryUsage().getUsed();
      peak.accumulateAndGet(used, Math::max);
    }

    void stop() throws InterruptedException {
      stopped = true;
      thread.interrupt();
      thread.join();
      sample();
    }

    long peakBytes() {
      return peak.get();
    }
  }

  /** The command line that runs this probe in a new JVM with the same class path. */
  static List<String> command(String maxHeap, String... args) {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                java,
                "-Xmx" + maxHeap,
                "-XX:+UseSerialGC",
                "-cp",
                classPath,
                RecoverProbe.class.getName()));
    command.addAll(List.of(args));
    return command;
  }
}
