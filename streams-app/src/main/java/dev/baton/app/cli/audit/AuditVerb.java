package dev.baton.app.cli.audit;

import dev.baton.app.cli.BatonCli;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of the audit verbs: runs one, and turns a failure into {@code error: ...} and exit 1. */
abstract class AuditVerb implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(out, err);
    } catch (AuditCliException | IllegalStateException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return BatonCli.FAILED;
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage() + ": " + e.getCause().getMessage());
      return BatonCli.FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Runs the verb and returns its exit code. */
  protected abstract int run(PrintWriter out, PrintWriter err);
}
