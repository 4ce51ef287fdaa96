package dev.baton.app.auth;

import dev.baton.app.io.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code <data-dir>/admin.token}, written by {@code baton up --auth}: an admin token on every
 * workspace for the person who started the node, readable by its owner only. Format: the token
 * followed by a newline, nothing else. A file whose token still works is kept across restarts;
 * otherwise (missing, revoked, damaged) a new token is minted and the file replaced.
 */
public final class AdminTokenFile {
  public static final String NAME = "admin.token";
  public static final String AGENT = "admin";

  private AdminTokenFile() {}

  /** The admin token in {@code dataDir}, minted and written when there is no working one. */
  public static String ensure(Path dataDir, NodeTokens tokens) throws IOException {
    Path file = dataDir.resolve(NAME);
    String existing = read(file);
    if (existing != null
        && tokens.authenticator().authenticate("Bearer " + existing)
            instanceof Authenticator.Result.Authenticated ok
        && ok.principal().isAdmin()) {
      return existing;
    }
    TokenSecrets.Issued issued =
        TokenSecrets.mint(
            AGENT, List.of(Principal.ALL_WORKSPACES), Role.ADMIN, null, Instant.now(), "baton up");
    tokens.writer().put(issued.record());
    // The log will bring the same record; applying it now lets the token work at once.
    tokens.registry().apply(issued.record().id(), issued.record());
    DurableFiles.writeOwnerOnly(file, (issued.token() + "\n").getBytes(StandardCharsets.UTF_8));
    return issued.token();
  }

  private static String read(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
