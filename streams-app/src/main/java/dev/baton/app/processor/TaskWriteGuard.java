package dev.baton.app.processor;

import dev.baton.sdk.protocol.Command;

/**
 * The lock side of a task write: checks it against the locks on the task (exclusive holder, fencing
 * token) before the task rules run, and releases the fenced grant after an accepted write that asks
 * for it ({@code release}).
 */
public interface TaskWriteGuard {

  /** Returns null when the write may proceed, else why not. */
  TaskDecision.Rejected check(Command command, String key, long now);

  /**
   * Releases the grant {@code command}'s fence names, which {@link #check} accepted in this same
   * step, exactly as a {@code lock.release} by its holder would: the lock's {@code lock.released}
   * event, then {@code answer} (which emits the write's outcome, the command's only one), then the
   * grants of the waiters that can now go.
   */
  void releaseFenced(Command command, String key, Emitter out, Runnable answer);
}
