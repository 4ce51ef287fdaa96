package dev.baton.app.sink.audit;

/**
 * The files of a partition are damaged in a way the sink must not guess about (not a torn last
 * line): it stops writing that partition. Retrying does not help; run {@code baton audit verify}
 * and repair or move the damaged segment.
 */
public final class AuditCorruptionException extends RuntimeException {
  public AuditCorruptionException(String message) {
    super(message);
  }
}
