package dev.baton.app.cli;

import picocli.CommandLine;

/** Reads the version from the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = BatonCli.class.getPackage().getImplementationVersion();
    return new String[] {"baton " + (v == null ? "dev" : v)};
  }
}
