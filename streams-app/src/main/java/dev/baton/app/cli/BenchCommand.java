package dev.baton.app.cli;

import dev.baton.app.bench.BenchEnvironment;
import dev.baton.app.bench.BenchOptions;
import dev.baton.app.bench.BenchResult;
import dev.baton.app.bench.Scenario;
import dev.baton.app.bench.Scenarios;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code baton bench <scenario>}: measures one scenario, or all, with its baselines in the same
 * run, prints a table and optionally writes JSON (see {@link BenchResult} for the format and {@code
 * docs/benchmarks.md} for the scenarios). Exit 1 when a scenario failed to run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure Baton side by side with its baselines, in one run, against an embedded broker"
          + " (or --bootstrap).",
      "Scenarios: produce, e2e, contention, export, recover, read, checkpoint, hooks, events,"
          + " fairness; all runs each and writes <json-dir>/<scenario>.json.",
      "Benchmarks report numbers; they never pass or fail on speed."
    })
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SCENARIO",
      description = "produce, e2e, contention, export, recover, read, checkpoint, hooks or all.")
  String scenario;

  @Option(
      names = "--bootstrap",
      description = "Use this Kafka cluster instead of an embedded broker in the same JVM.")
  String bootstrap;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON.")
  Path json;

  @Option(
      names = "--json-dir",
      paramLabel = "DIR",
      description =
          "With all: write one <scenario>.json per scenario here (default: ${DEFAULT-VALUE}).",
      defaultValue = "bench-results")
  Path jsonDir;

  @Option(names = "--quick", description = "A small version of every scenario (CI smoke runs).")
  boolean quick;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where brokers, state and generated files go (default: a temp dir, deleted).")
  Path dataDir;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description = "Partitions of every topic created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--agents",
      description =
          "e2e: agents, one SDK client each (default 100); fairness: well-behaved agents"
              + " (default 99).")
  Integer agents;

  @Option(
      names = "--window",
      description = "e2e: sessions per agent, each on its own task (default 4).")
  Integer window;

  @Option(
      names = "--seconds",
      description =
          "e2e, read, fairness: seconds each measured phase lasts (default 15; fairness 30).")
  Integer seconds;

  @Option(
      names = "--contention-agents",
      split = ",",
      paramLabel = "N",
      description = "contention: agent counts (default 10,25,50,100).")
  List<Integer> contentionAgents;

  @Option(names = "--ops", description = "contention: cycles per agent (default 5).")
  Integer ops;

  @Option(
      names = "--separate-release",
      description =
          "contention: release each lock with its own lock.release after the write (two round"
              + " trips) instead of with the write itself.")
  boolean separateRelease;

  @Option(names = "--records", description = "produce: records sent (default 3000000).")
  Long records;

  @Option(names = "--events", description = "export: events exported (default 1000000).")
  Long events;

  @Option(names = "--lines", description = "recover: audit lines (default 1000000).")
  Long lines;

  @Option(
      names = "--tasks",
      description = "checkpoint: tasks in the projection (default 1000000); read: tasks (10000).")
  Integer tasks;

  @Option(
      names = "--postgres-url",
      defaultValue = BenchOptions.DEFAULT_POSTGRES_URL,
      description = "contention: PostgreSQL baseline (default: ${DEFAULT-VALUE}).")
  String postgresUrl;

  @Option(
      names = "--postgres-pool",
      defaultValue = "40",
      description =
          "contention: connections the PostgreSQL baseline opens (default: ${DEFAULT-VALUE}).")
  int postgresPool;

  @Option(
      names = "--config",
      paramLabel = "KEY=VALUE",
      description = "baton.* settings of the Baton nodes started (repeatable).")
  Map<String, String> appConfig = new HashMap<>();

  @Option(
      names = "--client-config",
      paramLabel = "KEY=VALUE",
      description = "Kafka settings of the SDK clients started (repeatable).")
  Map<String, String> clientConfig = new HashMap<>();

  @Override
  public Integer call() throws Exception {
    List<Scenario> selected = select();
    if (json != null && selected.size() > 1) {
      throw new ParameterException(spec.commandLine(), "--json takes one scenario; use --json-dir");
    }
    BenchOptions options =
        new BenchOptions(
            bootstrap,
            dataDir,
            quick,
            partitions,
            agents,
            window,
            seconds == null ? null : Duration.ofSeconds(seconds),
            contentionAgents,
            ops,
            separateRelease,
            records,
            events,
            lines,
            tasks,
            postgresUrl,
            postgresPool,
            appConfig,
            clientConfig);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> failed = new ArrayList<>();
    try (BenchEnvironment env = BenchEnvironment.open(options)) {
      for (Scenario s : selected) {
        out.printf("running %s ...%n", s.name());
        out.flush();
        long started = System.nanoTime();
        BenchResult result;
        try {
          result = s.run(env);
        } catch (Exception | AssertionError e) {
          err.printf("error: scenario %s failed: %s%n", s.name(), e);
          e.printStackTrace(err);
          failed.add(s.name());
          continue;
        }
        result.config("wall_s", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        result.printTable(out);
        Path file =
            json != null ? json : selected.size() > 1 ? jsonDir.resolve(s.name() + ".json") : null;
        if (file != null) {
          result.writeJson(file);
          out.printf("  wrote %s%n", file);
        }
      }
    }
    if (!failed.isEmpty()) {
      err.printf("error: %d scenario(s) failed: %s%n", failed.size(), failed);
      return BatonCli.FAILED;
    }
    return BatonCli.OK;
  }

  private List<Scenario> select() {
    if ("all".equals(scenario)) {
      return Scenarios.all();
    }
    return List.of(
        Scenarios.named(scenario)
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "unknown scenario '"
                            + scenario
                            + "'; one of "
                            + Scenarios.names()
                            + " or all")));
  }
}
