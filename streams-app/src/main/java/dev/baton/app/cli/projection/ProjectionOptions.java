package dev.baton.app.cli.projection;

import dev.baton.app.sink.projection.Dialect;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir} and {@code --jdbc-url}: where the projection and the exports are. */
public final class ProjectionOptions {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "baton-data",
      description = "Baton's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      description =
          "The projection database: jdbc:sqlite:<file> or jdbc:postgresql://host/db?user=..."
              + " (default: the SQLite file <data-dir>/baton.db).")
  String jdbcUrl;

  /** The projection's JDBC URL. */
  public String jdbcUrl() {
    if (jdbcUrl != null && !jdbcUrl.isBlank()) {
      return Dialect.urlOf(jdbcUrl);
    }
    return "jdbc:sqlite:" + dataDir.resolve("baton.db");
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path exportDir() {
    return dataDir.resolve("export");
  }

  public Path checkpointDir() {
    return exportDir().resolve("checkpoints");
  }
}
