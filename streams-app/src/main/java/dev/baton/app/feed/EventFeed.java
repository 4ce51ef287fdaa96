package dev.baton.app.feed;

import dev.baton.sdk.protocol.EventCursor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The event feed of one node: {@link EventTail} (one consumer) fills {@link RecentEvents}; every
 * reader, long-poll or stream, is a {@link Watcher} woken by one dispatcher thread after each
 * append; old positions go to {@link CatchUpReaders}. Threads: the tail, the dispatcher, a
 * scheduler (wait deadlines, heartbeats) and the catch-up pool, whatever the number of readers.
 */
public final class EventFeed implements FeedReads, AutoCloseable {
  /** A reader waiting for events, woken on the dispatcher thread; must not block. */
  public interface Watcher {
    /** New events (or positions) may be there. */
    void wake();

    /** The heartbeat interval passed. */
    default void heartbeat() {}
  }

  private final FeedSettings settings;
  private final RecentEvents recent;
  private final CatchUpReaders readers;
  private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
  private final ExecutorService dispatcher;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final EventTail tail;

  private EventFeed(FeedSettings settings) {
    this.settings = settings;
    this.recent = new RecentEvents(settings.bufferEvents(), settings.bufferBytes());
    this.dispatcher = Executors.newSingleThreadExecutor(daemon("baton-feed-dispatch"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("baton-feed-timer"));
    this.readers = new CatchUpReaders(settings.kafka(), settings.topic(), settings.readers());
    try {
      this.tail = EventTail.start(settings.kafka(), settings.topic(), recent, this::appended);
    } catch (RuntimeException e) {
      closeExecutors();
      readers.close();
      throw e;
    }
    long beat = settings.heartbeat().toMillis();
    scheduler.scheduleAtFixedRate(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
  }

  /** Starts tailing {@code baton.events} from its end. */
  public static EventFeed start(FeedSettings settings) {
    return new EventFeed(settings);
  }

  @Override
  public FeedSettings settings() {
    return settings;
  }

  /** The current head: a cursor from which only events committed later are read. */
  public EventCursor now() {
    return recent.now();
  }

  /** Watchers registered now (long-polls waiting plus open streams). */
  public int watchers() {
    return watchers.size();
  }

  /** Whether the tail consumer still runs. */
  public boolean tailing() {
    return tail.alive();
  }

  /**
   * One page from the buffer, or null when the query's cursor is older than the buffer (then {@link
   * #read} goes to Kafka).
   */
  @Override
  public FeedPage readRecent(FeedQuery query) {
    return recent.read(query) instanceof RecentEvents.Served served ? served.page() : null;
  }

  /** One page without waiting: from the buffer, or from Kafka by a catch-up reader. */
  @Override
  public CompletableFuture<FeedPage> read(FeedQuery query) {
    RecentEvents.Read read = recent.read(query);
    if (read instanceof RecentEvents.Behind behind) {
      return readers.read(query, behind.until());
    }
    return CompletableFuture.completedFuture(((RecentEvents.Served) read).page());
  }

  /**
   * A long poll: the first page with events, or when {@code wait} runs out an empty page whose
   * cursor has moved past everything the filter skipped meanwhile.
   */
  public CompletableFuture<FeedPage> poll(FeedQuery query, Duration wait) {
    return pollUntil(query, System.nanoTime() + wait.toNanos());
  }

  private CompletableFuture<FeedPage> pollUntil(FeedQuery query, long deadline) {
    RecentEvents.Read read = recent.read(query);
    if (read instanceof RecentEvents.Behind behind) {
      return readers
          .read(query, behind.until())
          .thenCompose(
              page ->
                  page.events().isEmpty() && System.nanoTime() < deadline
                      ? pollUntil(query.from(page.next()), deadline)
                      : CompletableFuture.completedFuture(page));
    }
    FeedPage page = ((RecentEvents.Served) read).page();
    long left = deadline - System.nanoTime();
    if (!page.events().isEmpty() || left <= 0) {
      return CompletableFuture.completedFuture(page);
    }
    PollWaiter waiter = new PollWaiter(query.from(page.next()), deadline);
    watch(waiter);
    waiter.timer = scheduler.schedule(waiter::expire, left, TimeUnit.NANOSECONDS);
    waiter.wake();
    return waiter.result;
  }

  /** Registers a watcher until {@link #unwatch}. */
  @Override
  public void watch(Watcher watcher) {
    watchers.add(watcher);
  }

  @Override
  public void unwatch(Watcher watcher) {
    watchers.remove(watcher);
  }

  /** Runs {@code task} on the dispatcher thread (where watchers are woken). */
  @Override
  public void dispatch(Runnable task) {
    if (!dispatcher.isShutdown()) {
      dispatcher.execute(task);
    }
  }

  private void appended() {
    if (wakePending.compareAndSet(false, true)) {
      dispatch(
          () -> {
            wakePending.set(false);
            for (Watcher w : List.copyOf(watchers)) {
              w.wake();
            }
          });
    }
  }

  private void heartbeat() {
    dispatch(
        () -> {
          for (Watcher w : List.copyOf(watchers)) {
            w.heartbeat();
          }
        });
  }

  /** A long poll waiting for its first matching event or its deadline. */
  private final class PollWaiter implements Watcher {
    private final CompletableFuture<FeedPage> result = new CompletableFuture<>();
    private final long deadline;
    private volatile FeedQuery query;
    private volatile ScheduledFuture<?> timer;

    PollWaiter(FeedQuery query, long deadline) {
      this.query = query;
      this.deadline = deadline;
    }

    @Override
    public synchronized void wake() {
      if (result.isDone()) {
        return;
      }
      RecentEvents.Read read = recent.read(query);
      if (read instanceof RecentEvents.Served served) {
        if (!served.page().events().isEmpty()) {
          finish(served.page());
        } else {
          query = query.from(served.page().next());
        }
      } else {
        // The buffer moved past this waiter (a burst larger than the buffer): read from Kafka.
        unwatch(this);
        cancelTimer();
        pollUntil(query, deadline)
            .whenComplete(
                (page, failure) -> {
                  if (failure != null) {
                    result.completeExceptionally(failure);
                  } else {
                    result.complete(page);
                  }
                });
      }
    }

    synchronized void expire() {
      if (result.isDone()) {
        return;
      }
      FeedPage page = readRecent(query);
      finish(page != null ? page : new FeedPage(List.of(), query.from(), false, 0));
    }

    private void finish(FeedPage page) {
      unwatch(this);
      cancelTimer();
      result.complete(page);
    }

    private void cancelTimer() {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
    }
  }

  @Override
  public void close() {
    tail.close();
    closeExecutors();
    readers.close();
    watchers.clear();
  }

  private void closeExecutors() {
    dispatcher.shutdownNow();
    scheduler.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
