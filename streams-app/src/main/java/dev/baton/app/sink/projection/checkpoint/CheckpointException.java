package dev.baton.app.sink.projection.checkpoint;

/**
 * A checkpoint that cannot be used: missing, damaged (checksum, size or format), or part of a
 * broken chain. The message names the checkpoint and, where there is one, a good one to use
 * instead. Retrying does not help.
 */
public final class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
