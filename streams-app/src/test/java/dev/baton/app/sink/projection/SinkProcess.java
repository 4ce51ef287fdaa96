package dev.baton.app.sink.projection;

import dev.baton.app.testing.KafkaTestCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A projection sink in a process of its own ({@link ProjectionSinkMain}), for kill -9 tests. */
final class SinkProcess {
  private SinkProcess() {}

  /** Starts it and returns once it is ready; {@code instance} null means dynamic membership. */
  static Process start(String topic, String url, String group, String instance) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                ProjectionSinkMain.class.getName(),
                KafkaTestCluster.bootstrapServers(),
                topic,
                url,
                group,
                "500"));
    if (instance != null) {
      command.add(instance);
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    Process process = pb.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.contains(ProjectionSinkMain.READY)) {
        // Keep draining so the child never blocks on a full pipe.
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "sink-output");
        drain.setDaemon(true);
        drain.start();
        return process;
      }
    }
    throw new AssertionError("the sink process exited with " + process.waitFor());
  }
}
