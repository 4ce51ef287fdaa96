package dev.baton.app;

import dev.baton.app.cli.BatonCli;
import picocli.CommandLine;

/**
 * Entry point of the {@code baton} launcher: wires the CLI and exits with its code. Client verbs
 * take a lean path ({@link BatonCli#clientCommandLine}), since every call starts a JVM.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommandLine lean = BatonCli.clientCommandLine(args);
    System.exit(lean != null ? lean.execute(args) : BatonCli.run(args));
  }
}
