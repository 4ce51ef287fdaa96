package dev.baton.app.processor;

/** Acts on one due entry of the deadline index (a lease, a wait, a remembered command id). */
@FunctionalInterface
public interface DeadlineHandler {
  void expire(String id, long deadline, Emitter out);
}
