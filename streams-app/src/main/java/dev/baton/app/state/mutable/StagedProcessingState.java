package dev.baton.app.state.mutable;

import dev.baton.app.state.DeadlineIndex;
import dev.baton.app.state.LockDeadlines;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The processing state over the processor's stores ({@code tasks}, {@code locks}, {@code
 * decisions}, and the lock entries of {@code deadlines}), every write staged until {@link
 * #commit()}. Reads see staged writes, so the appliers of one command's events build on each other;
 * handlers read it between commands, when nothing is staged.
 */
public final class StagedProcessingState implements MutableProcessingState {
  private final StagedStore<String, Task> tasks;
  private final StagedStore<String, LockState> locks;
  private final StagedStore<String, Integer> heads;
  private final StagedStore<String, String> deadlines;

  public StagedProcessingState(
      KeyValueStore<String, Task> tasks,
      KeyValueStore<String, LockState> locks,
      KeyValueStore<String, Integer> heads,
      KeyValueStore<String, String> deadlines) {
    this.tasks = new StagedStore<>(tasks);
    this.locks = new StagedStore<>(locks);
    this.heads = new StagedStore<>(heads);
    this.deadlines = new StagedStore<>(deadlines);
  }

  @Override
  public MutableTaskState tasks() {
    return new MutableTaskState() {
      @Override
      public Task get(String key) {
        return tasks.get(key);
      }

      @Override
      public void put(String key, Task task) {
        tasks.put(key, task);
      }
    };
  }

  @Override
  public MutableLockTable locks() {
    return new MutableLockTable() {
      @Override
      public LockState get(String key) {
        return locks.get(key);
      }

      @Override
      public void put(String key, LockState lock) {
        Set<DeadlineIndex.Entry> before = LockDeadlines.of(locks.get(key));
        Set<DeadlineIndex.Entry> after = LockDeadlines.of(lock);
        for (DeadlineIndex.Entry gone : before) {
          if (!after.contains(gone)) {
            deadlines.delete(gone.indexKey());
          }
        }
        for (DeadlineIndex.Entry added : after) {
          if (!before.contains(added)) {
            deadlines.put(added.indexKey(), "");
          }
        }
        locks.put(key, lock);
      }
    };
  }

  @Override
  public MutableDecisionHeads decisionHeads() {
    return new MutableDecisionHeads() {
      @Override
      public int get(String key) {
        Integer head = heads.get(key);
        return head == null ? 0 : head;
      }

      @Override
      public void put(String key, int number) {
        heads.put(key, number);
      }
    };
  }

  /** Writes everything staged through to the stores. */
  public void commit() {
    tasks.commit();
    locks.commit();
    heads.commit();
    deadlines.commit();
  }

  /** Drops everything staged. */
  public void discard() {
    tasks.discard();
    locks.discard();
    heads.discard();
    deadlines.discard();
  }
}
