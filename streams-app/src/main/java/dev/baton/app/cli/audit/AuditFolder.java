package dev.baton.app.cli.audit;

import dev.baton.app.sink.audit.AuditDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Where the audit folder is: the first argument, else {@code <data-dir>/export/audit}. */
final class AuditFolder {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      description = "The audit folder (default: <data-dir>/export/audit).")
  Path folder;

  @Option(
      names = "--data-dir",
      defaultValue = "baton-data",
      description = "Baton's data directory, when DIR is not given (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  Path path() {
    return folder != null ? folder : dataDir.resolve("export").resolve("audit");
  }

  /** The folder, or an error naming it when it does not exist. */
  AuditDirectory open() {
    Path path = path();
    if (!Files.isDirectory(path)) {
      throw new AuditCliException("no audit folder at " + path.toAbsolutePath());
    }
    return new AuditDirectory(path);
  }
}
