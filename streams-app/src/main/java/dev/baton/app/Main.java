package dev.baton.app;

import dev.baton.app.cli.BatonCli;

/** Entry point of the {@code baton} launcher: wires the CLI and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(BatonCli.run(args));
  }
}
