package dev.baton.app.cli.client;

/** The client could not get an answer (server unreachable, not Baton, timed out): exit 1. */
public final class ClientFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClientFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
