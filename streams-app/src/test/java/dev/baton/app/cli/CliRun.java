package dev.baton.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import picocli.CommandLine;

/** Runs the {@code baton} CLI in-process and captures what it prints. */
public record CliRun(int exitCode, String out, String err) {

  /** Runs the CLI as {@code main} does ({@link BatonCli#commandLine()}). */
  public static CliRun of(String... args) {
    return run(BatonCli.commandLine(), args);
  }

  /**
   * Runs the CLI as {@code main} does, and also copies its stderr to {@code errWhileRunning} as it
   * is written, so a test can react to progress lines before the command ends.
   */
  public static CliRun of(Writer errWhileRunning, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = BatonCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new TeeWriter(err, errWhileRunning), true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
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

  /** Writes to two writers. */
  private static final class TeeWriter extends Writer {
    private final Writer first;
    private final Writer second;

    TeeWriter(Writer first, Writer second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
      first.write(chars, off, len);
      second.write(chars, off, len);
    }

    @Override
    public void flush() throws IOException {
      first.flush();
      second.flush();
    }

    @Override
    public void close() throws IOException {
      first.close();
      second.close();
    }
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out ---\n" + out + "\n--- err ---\n" + err;
  }
}
