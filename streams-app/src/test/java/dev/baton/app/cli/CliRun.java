package dev.baton.app.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code baton} CLI in-process and captures what it prints. */
public record CliRun(int exitCode, String out, String err) {

  /** Runs the CLI as {@code main} does ({@link BatonCli#commandLine()}). */
  public static CliRun of(String... args) {
    return run(BatonCli.commandLine(), args);
  }

  /**
   * Runs the same command tree with picocli's default exit codes (2 for a usage error), to check
   * that a verb reports bad input as a usage error whatever exception mapper the root installs.
   */
  public static CliRun withPicocliDefaults(String... args) {
    return run(new CommandLine(new BatonCli()), args);
  }

  private static CliRun run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out ---\n" + out + "\n--- err ---\n" + err;
  }
}
