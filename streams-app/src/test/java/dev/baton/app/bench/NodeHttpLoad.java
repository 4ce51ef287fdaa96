package dev.baton.app.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop HTTP load against a node running in a JVM of its own, to compare that node's JVM
 * options (docs/reliability.md, "The JIT of baton up"). {@code baton bench} runs its load in the
 * node's own JVM, so JVM options there change the clients' speed as much as the node's.
 *
 * <p>Each agent cycles through {@code POST /v1/tasks/load} (a new task), {@code POST
 * /v1/locks/load/acquire} and {@code .../release} of one of 8 files of its own, sending the next
 * request when the previous answer is back. After the warm-up it counts the requests answered
 * during the measured seconds, their latency, and the node's CPU time ({@code /proc/<pid>/stat}).
 * Uses the JDK only, so it runs from its source:
 *
 * <pre>
 * java -XX:TieredStopAtLevel=1 streams-app/src/test/java/dev/baton/app/bench/NodeHttpLoad.java \
 *     http://127.0.0.1:7070 16 60 30 &lt;node pid&gt;
 * </pre>
 *
 * prints, for example, {@code requests/s 547 p50 25.8 ms p99 72.4 ms node CPU 2.75 ms per request,
 * errors 0} (a {@code baton up} node with the full JIT on 2 cores).
 */
public final class NodeHttpLoad {
  private static final int FILES_PER_AGENT = 8;

  private NodeHttpLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println(
          "usage: NodeHttpLoad <node URL> <agents> <warm-up seconds> <measured seconds> <node pid>");
      System.exit(2);
    }
    String url = args[0];
    int agents = Integer.parseInt(args[1]);
    long warmUpMs = Long.parseLong(args[2]) * 1000;
    long measuredMs = Long.parseLong(args[3]) * 1000;
    long pid = Long.parseLong(args[4]);
    String run = Long.toString(System.currentTimeMillis(), 36);

    ExecutorService io = Executors.newFixedThreadPool(4);
    HttpClient http = HttpClient.newBuilder().executor(io).build();
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong errors = new AtomicLong();
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int a = 0; a < agents; a++) {
      String agent = run + "-a" + a;
      Thread t =
          new Thread(
              () -> {
                for (int n = 0; !stop.get(); n++) {
                  String file = "file/" + agent + "/" + (n % FILES_PER_AGENT);
                  String[][] requests = {
                    {"/v1/tasks/load", "{\"title\":\"t\",\"id\":\"" + agent + "-" + n + "\"}"},
                    {
                      "/v1/locks/load/acquire",
                      "{\"resource\":\"" + file + "\",\"mode\":\"EXCLUSIVE\"}"
                    },
                    {"/v1/locks/load/release", "{\"resource\":\"" + file + "\"}"}
                  };
                  for (String[] request : requests) {
                    long start = System.nanoTime();
                    if (!post(http, url + request[0], agent, request[1])) {
                      errors.incrementAndGet();
                    }
                    if (measuring.get()) {
                      latencies.add(System.nanoTime() - start);
                    }
                  }
                }
              },
              "load-" + agent);
      t.start();
      threads.add(t);
    }
    Thread.sleep(warmUpMs);
    long cpuBefore = cpuTicks(pid);
    long wallBefore = System.nanoTime();
    measuring.set(true);
    Thread.sleep(measuredMs);
    measuring.set(false);
    long cpuAfter = cpuTicks(pid);
    long wallAfter = System.nanoTime();
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    io.shutdown();

    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    double seconds = (wallAfter - wallBefore) / 1e9;
    double ticksPerMs = 100 / 1000.0; // USER_HZ, 100 on Linux
    System.out.printf(
        "requests/s %.0f p50 %.1f ms p99 %.1f ms node CPU %.2f ms per request, errors %d%n",
        sorted.length / seconds,
        sorted[sorted.length / 2] / 1e6,
        sorted[(int) (sorted.length * 0.99)] / 1e6,
        (cpuAfter - cpuBefore) / ticksPerMs / sorted.length,
        errors.get());
  }

  private static boolean post(HttpClient http, String url, String agent, String body) {
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Content-Type", "application/json")
                  .header("X-Baton-Agent", agent)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() < 300;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** User and system time of a process, in clock ticks. */
  private static long cpuTicks(long pid) throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // Fields after the command name, which is in parentheses and may hold spaces.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
