package dev.baton.app.cli.audit;

/** A failure an audit verb reports as {@code error: <message>} with exit code 1. */
final class AuditCliException extends RuntimeException {
  AuditCliException(String message) {
    super(message);
  }
}
