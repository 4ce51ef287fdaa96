package dev.baton.app.cli;

import dev.baton.app.sink.SinkStatus;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code baton sink} prints about its sinks, which have no {@code /v1/health} of their own:
 * one line whenever a sink's state changes, e.g. {@code audit sink FAULTED: fsync of <file> failed
 * (IOException: Input/output error); partitions [1]; retrying} (a failed Kafka consumer: {@code
 * consume failed (...)}) and {@code audit sink RUNNING again}. Called from one thread.
 */
final class SinkStatusPrinter {
  private final List<SinkStatus.Source> sinks;
  private final PrintStream out;
  private final Map<String, SinkStatus.State> last = new HashMap<>();

  SinkStatusPrinter(List<SinkStatus.Source> sinks, PrintStream out) {
    this.sinks = List.copyOf(sinks);
    this.out = out;
  }

  /** Prints the sinks whose state changed since the last call. */
  void check() {
    for (SinkStatus.Source source : sinks) {
      SinkStatus s = source.status();
      SinkStatus.State before = last.put(s.sink(), s.state());
      if (before == s.state()) {
        continue;
      }
      String line = line(s, before);
      if (line != null) {
        out.println(line);
        out.flush();
      }
    }
  }

  private static String line(SinkStatus s, SinkStatus.State before) {
    String name = s.sink() + " sink";
    return switch (s.state()) {
      case FAULTED ->
          name
              + " FAULTED: "
              + s.fault().operation()
              + (s.fault().path() == null ? "" : " of " + s.fault().path())
              + " failed ("
              + s.fault().error()
              + ")"
              + (s.fault().partitions().isEmpty() ? "" : "; partitions " + s.fault().partitions())
              + "; nothing after its last durable position counts as written; retrying";
      case STALLED ->
          name
              + " STALLED at "
              + s.stall().topic()
              + "-"
              + s.stall().partition()
              + " offset "
              + s.stall().offset()
              + ": "
              + s.stall().reason();
      case RUNNING ->
          before == SinkStatus.State.FAULTED || before == SinkStatus.State.STALLED
              ? name + " RUNNING again (partitions " + s.partitions() + ")"
              : null;
      case WAITING_FOR_ASSIGNMENT -> null;
    };
  }
}
