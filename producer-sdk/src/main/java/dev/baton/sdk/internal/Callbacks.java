package dev.baton.sdk.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the client runs user code: progress callbacks, lock-loss and health listeners, and the
 * completion of every future it returns (so dependent stages run there too). Never the reply reader
 * or the timer, so user code can neither stop outcomes from being read nor delay timeouts.
 *
 * <p>The default is a pool of daemon threads named {@code baton-sdk-callbacks-<client>-N} that
 * grows while callbacks block and shrinks when idle: a callback that blocks (even on another future
 * of the same client) does not hold up the others. A caller-supplied executor is used as given and
 * not shut down by the client.
 */
final class Callbacks {
  private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);

  private final Executor executor;
  private final ExecutorService owned;

  private Callbacks(Executor executor, ExecutorService owned) {
    this.executor = executor;
    this.owned = owned;
  }

  static Callbacks on(Executor supplied, String clientId) {
    if (supplied != null) {
      return new Callbacks(supplied, null);
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t =
                  new Thread(r, "baton-sdk-callbacks-" + clientId + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return new Callbacks(pool, pool);
  }

  /** A new lane: tasks on it run in order, one at a time. */
  Executor serial() {
    return new SerialExecutor(this::execute);
  }

  /** Runs {@code task} on the callback executor; a task it throws is logged, never propagated. */
  void run(String what, Runnable task) {
    execute(guarded(what, task));
  }

  /** {@code task} wrapped so that an exception it throws is logged with {@code what} it was. */
  static Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("{} threw; the client carries on", what, e);
      }
    };
  }

  private void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // The executor is shut down (the client or its owner closing): run it here rather than lose
      // the completion of a future someone waits on.
      task.run();
    }
  }

  /** Lets queued callbacks finish, then stops the default pool's threads as they go idle. */
  void shutdown() {
    if (owned != null) {
      owned.shutdown();
    }
  }
}
