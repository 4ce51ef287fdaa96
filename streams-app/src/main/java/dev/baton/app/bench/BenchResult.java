package dev.baton.app.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one scenario measured, in the shape {@code baton bench --json} writes:
 *
 * <pre>
 * {"scenario": "e2e",
 *  "config":   {"agents": 100, "broker": "embedded", ...},   how it ran (strings or numbers)
 *  "metrics":  {"commands_per_s": 12345.6, ...},             Baton's numbers
 *  "baseline": {"records_per_s": 345678.9, ...},             the baselines, same run
 *  "ratio":    {"commands_per_s / records_per_s": 0.035},    metric over baseline
 *  "notes":    ["..."]}                                       what the numbers do not say
 * </pre>
 *
 * Every metric, baseline and ratio is a plain JSON number; a number that could not be measured is
 * left out and a note says why.
 */
public final class BenchResult {
  private final String scenario;
  private final Map<String, Object> config = new LinkedHashMap<>();
  private final Map<String, Double> metrics = new LinkedHashMap<>();
  private final Map<String, Double> baseline = new LinkedHashMap<>();
  private final Map<String, Double> ratio = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  public BenchResult(String scenario) {
    this.scenario = scenario;
  }

  public String scenario() {
    return scenario;
  }

  public BenchResult config(String name, Object value) {
    config.put(name, value);
    return this;
  }

  public BenchResult metric(String name, double value) {
    metrics.put(name, finite(name, value));
    return this;
  }

  public BenchResult baseline(String name, double value) {
    baseline.put(name, finite(name, value));
    return this;
  }

  /** Records {@code metric / base} under {@code name}, unless the base is zero. */
  public BenchResult ratio(String name, double metric, double base) {
    if (base != 0 && Double.isFinite(metric) && Double.isFinite(base)) {
      ratio.put(name, metric / base);
    } else {
      note("ratio " + name + " not computed: baseline is " + base);
    }
    return this;
  }

  public BenchResult note(String note) {
    notes.add(note);
    return this;
  }

  public Map<String, Object> config() {
    return config;
  }

  public Map<String, Double> metrics() {
    return metrics;
  }

  public Map<String, Double> baselines() {
    return baseline;
  }

  public Map<String, Double> ratios() {
    return ratio;
  }

  public List<String> notes() {
    return notes;
  }

  private static double finite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " is " + value + ", not a number");
    }
    return value;
  }

  /** The JSON document described above. */
  public ObjectNode toJson() {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("scenario", scenario);
    ObjectNode c = root.putObject("config");
    config.forEach(
        (k, v) -> {
          if (v instanceof Number n) {
            c.put(
                k, n.doubleValue() == Math.rint(n.doubleValue()) ? n.longValue() : n.doubleValue());
          } else {
            c.put(k, String.valueOf(v));
          }
        });
    putNumbers(root.putObject("metrics"), metrics);
    putNumbers(root.putObject("baseline"), baseline);
    putNumbers(root.putObject("ratio"), ratio);
    ArrayNode n = root.putArray("notes");
    notes.forEach(n::add);
    return root;
  }

  private static void putNumbers(ObjectNode node, Map<String, Double> values) {
    values.forEach((k, v) -> node.put(k, round(v)));
  }

  /** Six significant digits are more than any of these measurements carries. */
  private static double round(double v) {
    if (v == 0 || v == Math.rint(v)) {
      return v;
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
  }

  /** Writes the JSON document to {@code file}, replacing it. */
  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson()));
  }

  /** Prints the result as a table. */
  public void printTable(PrintWriter out) {
    out.printf("%n== bench %s ==%n", scenario);
    config.forEach((k, v) -> out.printf("  %-44s %s%n", k, v));
    section(out, "metrics", metrics);
    section(out, "baseline", baseline);
    section(out, "ratio", ratio);
    for (String note : notes) {
      out.printf("  note: %s%n", note);
    }
    out.flush();
  }

  private static void section(PrintWriter out, String title, Map<String, Double> values) {
    if (values.isEmpty()) {
      return;
    }
    out.printf("  %-44s %16s%n", title, "");
    values.forEach((k, v) -> out.printf("    %-42s %16s%n", k, format(v)));
  }

  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%,.1f", v);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
