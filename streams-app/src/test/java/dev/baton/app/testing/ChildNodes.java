package dev.baton.app.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.Main;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code baton} commands run as a container runs them: child JVMs configured by {@code BATON_*}
 * environment variables alone (the test JVM's own {@code BATON_*} variables are not inherited),
 * each with its output in a log file. Closing stops every child that is still running.
 */
public final class ChildNodes implements AutoCloseable {
  private final List<Child> children = new ArrayList<>();

  /** One child process and its log. */
  public record Child(String name, Process process, Path log) {
    /** The whole log so far. */
    public String output() {
      return read(log);
    }

    /**
     * Sends {@code signal} ({@code STOP}, {@code CONT}, ...) with {@code kill}: {@code STOP}
     * freezes the process as a long GC pause or a stalled VM would, {@code CONT} lets it go on.
     */
    public void signal(String signal) throws IOException, InterruptedException {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0)
          .as("kill -%s %s", signal, name)
          .isTrue();
    }

    /** Kills the process at once, as {@code kill -9} does, and waits until it is gone. */
    public void kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s killed", name).isTrue();
    }
  }

  /**
   * The settings every node of a test system shares: the test broker, the topics and application id
   * under {@code prefix}, the data directory.
   */
  public static Map<String, String> sharedSettings(String prefix, Path dataDir) {
    return Map.of(
        "BATON_BOOTSTRAP_SERVERS",
        KafkaTestCluster.bootstrapServers(),
        "BATON_DATA_DIR",
        dataDir.toString(),
        "BATON_TOPIC_PREFIX",
        prefix,
        "BATON_APPLICATION_ID",
        prefix + "baton");
  }

  /** Starts {@code baton <args>} with exactly {@code env} as its Baton settings. */
  public Child start(String name, Path log, Map<String, String> env, String... args)
      throws IOException {
    return startJava(name, log, env, List.of(), Main.class, args);
  }

  /**
   * Starts {@code baton up <args>} as the launcher runs it: with the launcher's JVM options for
   * {@code up} ({@link #launcherUpOptions()}), and exactly {@code env} as its Baton settings.
   */
  public Child startUp(String name, Path log, Map<String, String> env, String... args)
      throws IOException {
    List<String> upArgs = new ArrayList<>(List.of("up"));
    upArgs.addAll(List.of(args));
    return startJava(
        name, log, env, launcherUpOptions(), Main.class, upArgs.toArray(String[]::new));
  }

  /**
   * The JVM options the launcher ({@code ./baton}) gives {@code baton up}: its options file, {@code
   * src/main/launcher/up.options}, as a java {@code @}-file argument.
   */
  public static List<String> launcherUpOptions() {
    Path file = Path.of("src", "main", "launcher", "up.options").toAbsolutePath();
    assertThat(file).as("the launcher's options for baton up").isRegularFile();
    return List.of("@" + file);
  }

  /**
   * Starts {@code mainClass} of the test class path with {@code args}, with exactly {@code env} as
   * its Baton settings.
   */
  public Child startMain(
      String name, Path log, Map<String, String> env, Class<?> mainClass, String... args)
      throws IOException {
    return startJava(name, log, env, List.of(), mainClass, args);
  }

  private Child startJava(
      String name,
      Path log,
      Map<String, String> env,
      List<String> jvmOptions,
      Class<?> mainClass,
      String... args)
      throws IOException {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
    command.addAll(jvmOptions);
    // -Dchild.jvmArgs="-Dlog4j2.configurationFile=..." passes JVM options to every child, e.g. a
    // log configuration with Kafka's INFO logs for a diagnosis.
    String extra = System.getProperty("child.jvmArgs", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-cp", classpath, mainClass.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(n -> n.startsWith("BATON_"));
    pb.environment().putAll(env);
    Child child = new Child(name, pb.start(), log);
    synchronized (children) {
      children.add(child);
    }
    return child;
  }

  /**
   * Waits until {@code condition} holds, failing with every child's log tail when {@code timeout}
   * passes first or when a child in {@code mustLive} exits.
   */
  public void await(String what, Duration timeout, List<Child> mustLive, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      for (Child c : mustLive) {
        assertThat(c.process().isAlive())
            .as("%s exited while waiting until %s:%n%s", c.name(), what, tail(c.output()))
            .isTrue();
      }
      assertThat(System.nanoTime()).as("waiting until %s:%n%s", what, logs()).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** As above, within two minutes, with every child started so far required to live. */
  public void await(String what, BooleanSupplier condition) throws InterruptedException {
    List<Child> all;
    synchronized (children) {
      all = List.copyOf(children);
    }
    await(what, Duration.ofSeconds(120), all, condition);
  }

  /** The status of {@code GET url}, or -1 when nothing answers. */
  public static int status(HttpClient http, String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  public static String read(Path log) {
    try {
      File f = log.toFile();
      return f.exists() ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private String logs() {
    StringBuilder out = new StringBuilder();
    synchronized (children) {
      for (Child c : children) {
        out.append("--- ").append(c.name()).append(" ---\n").append(tail(c.output()));
      }
    }
    return out.toString();
  }

  private static String tail(String text) {
    return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
  }

  @Override
  public void close() throws InterruptedException {
    List<Child> all;
    synchronized (children) {
      all = List.copyOf(children);
    }
    for (Child c : all) {
      if (c.process().isAlive()) {
        // A stopped process cannot act on SIGTERM.
        try {
          new ProcessBuilder("kill", "-CONT", String.valueOf(c.process().pid())).start().waitFor();
        } catch (IOException e) {
          // Then SIGKILL below ends it after the wait.
        }
      }
      c.process().destroy();
    }
    for (Child c : all) {
      if (!c.process().waitFor(60, TimeUnit.SECONDS)) {
        c.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
