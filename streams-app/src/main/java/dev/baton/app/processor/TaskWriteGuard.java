package dev.baton.app.processor;

import dev.baton.sdk.protocol.Command;

/**
 * Checks a task write against the locks on the task (exclusive holder, fencing token) before the
 * task rules run. Returns null when the write may proceed.
 */
@FunctionalInterface
public interface TaskWriteGuard {
  TaskWriteGuard NONE = (command, key, now) -> null;

  TaskDecision.Rejected check(Command command, String key, long now);
}
