package dev.baton.app.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used over an interval: by this process (in cores) and by the whole machine (busy share of all
 * cores, from {@code /proc/stat}), so a result shows whether the run was CPU-bound and whether
 * something else was running.
 */
final class CpuMeter {
  private final long startWall = System.nanoTime();
  private final long startProcess = processCpuNanos();
  private final long[] startMachine = machineTicks();

  /** What the interval used. */
  record Usage(double processCores, double machineBusyShare) {}

  static CpuMeter start() {
    return new CpuMeter();
  }

  Usage stop() {
    double wall = System.nanoTime() - startWall;
    double process = startProcess < 0 ? -1 : (processCpuNanos() - startProcess) / wall;
    long[] end = machineTicks();
    double machine = -1;
    if (startMachine != null && end != null) {
      double busy = end[0] - startMachine[0];
      double total = end[1] - startMachine[1];
      machine = total > 0 ? busy / total : -1;
    }
    return new Usage(process, machine);
  }

  /** Adds {@code <prefix>process_cores} and {@code <prefix>machine_busy_pct} to the config. */
  void addTo(BenchResult result, String prefix) {
    Usage u = stop();
    result.config(prefix + "process_cpu_cores", Math.round(u.processCores() * 100) / 100.0);
    result.config(prefix + "machine_cpu_busy_pct", Math.round(u.machineBusyShare() * 1000) / 10.0);
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** {busy, total} jiffies of all CPUs, or null when {@code /proc/stat} is not there. */
  private static long[] machineTicks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
