package dev.baton.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.testing.ChildNodes;
import dev.baton.app.testing.Eventually;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./baton up} through the launcher script, as a user runs it after a build: the node's JVM
 * runs with the launcher's options for {@code up} (C1 only; docs/reliability.md, "The JIT of {@code
 * baton up}"), and {@code BATON_JAVA_OPTS} come after them and win. The flags are read from the
 * running JVM ({@code jcmd VM.flags}), not from its command line, which holds only the options
 * file's name.
 */
class LauncherUpIT {
  private static final Duration BOUND = Duration.ofSeconds(120);

  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process launcher;

  @AfterEach
  void stop() throws InterruptedException {
    if (launcher != null) {
      launcher.descendants().forEach(ProcessHandle::destroyForcibly);
      launcher.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldRunUpWithC1OnlyAndLetBatonJavaOptsOverrideIt() throws Exception {
    String byDefault = flagsOfRunningNode(Optional.empty(), "default");
    assertThat(byDefault).contains("-XX:TieredStopAtLevel=1");

    String overridden = flagsOfRunningNode(Optional.of("-XX:TieredStopAtLevel=4"), "override");
    assertThat(overridden)
        .contains("-XX:TieredStopAtLevel=4")
        .doesNotContain("-XX:TieredStopAtLevel=1");
  }

  /**
   * Starts {@code ./baton up} on the test's data dir, waits for health 200, reads the node JVM's
   * flags and stops it with SIGTERM, as Ctrl-C would.
   */
  private String flagsOfRunningNode(Optional<String> javaOpts, String run) throws Exception {
    Path script = Path.of("..", "baton").toAbsolutePath().normalize();
    assertThat(script).as("the launcher").isExecutable();
    int httpPort = ChildNodes.freePort();
    Path log = dir.resolve(run + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                script.toString(),
                "up",
                "--data-dir",
                dir.resolve("data").toString(),
                "--broker-port",
                "0",
                "--http-port",
                String.valueOf(httpPort))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // Nothing of the test's environment may add JVM options of its own.
    pb.environment()
        .keySet()
        .removeIf(
            name ->
                name.startsWith("BATON_")
                    || name.equals("JDK_JAVA_OPTIONS")
                    || name.equals("JAVA_TOOL_OPTIONS"));
    // verify packaged the jar after compiling: nothing to rebuild, and no build inside a test.
    pb.environment().put("BATON_NO_REBUILD", "1");
    javaOpts.ifPresent(opts -> pb.environment().put("BATON_JAVA_OPTS", opts));
    launcher = pb.start();

    Process node = launcher;
    String health = "http://127.0.0.1:" + httpPort + "/v1/health";
    Eventually.until(
        "./baton up (" + run + ") answering health 200",
        BOUND,
        () -> {
          assertThat(node.isAlive())
              .as("./baton up (%s) running; its output:%n%s", run, ChildNodes.read(log))
              .isTrue();
          return ChildNodes.status(http, health) == 200;
        });
    String flags = jcmd(nodeJvm(launcher.toHandle()).pid(), "VM.flags");

    launcher.destroy();
    assertThat(launcher.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS))
        .as("./baton up (%s) stopped on SIGTERM", run)
        .isTrue();
    assertThat(Files.readString(log)).as("log of ./baton up (%s)", run).contains("Baton stopped");
    return flags;
  }

  /**
   * The node's JVM: the launcher itself once it has exec'd java (a class-data archive exists), its
   * child while it records one.
   */
  private static ProcessHandle nodeJvm(ProcessHandle launcher) {
    if (isJava(launcher)) {
      return launcher;
    }
    return launcher
        .descendants()
        .filter(LauncherUpIT::isJava)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no java process under the launcher"));
  }

  private static boolean isJava(ProcessHandle process) {
    return process.info().command().map(c -> c.endsWith("/java")).orElse(false);
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("jcmd %s", command).isTrue();
    assertThat(p.exitValue()).as("jcmd %s exit status; output:%n%s", command, out).isZero();
    return out;
  }
}
